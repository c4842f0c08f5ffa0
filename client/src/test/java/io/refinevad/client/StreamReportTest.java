package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventPhase;
import io.refinevad.api.v1.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamReportTest {
    // Segments 1-2 are anomalous.
    private static final StreamResult CAMERA = new StreamResult("camera-1", new float[]{0.1f, 0.9f, 0.8f, 0.1f},
            new float[][]{{0.2f}, {0.9f}, {0.9f}, {0.2f}}, List.of("Fighting"), new long[]{900, 1000, 1100, 1200},
            List.of(), Status.OK);

    @Test
    void intervalFramesFollowTheServedModelsFramesPerSegment() {
        ModelInfo served = ModelInfo.newBuilder().setFramesPerSegment(8).build();
        String report = report(StreamReport.framesPerSegment(served));
        assertTrue(report.contains("anomaly: segments 1-2 (frames 8-23)"), report);
    }

    @Test
    void aServerThatLeavesFramesPerSegmentUnsetIsTakenAtTheApisSixteen() {
        String report = report(StreamReport.framesPerSegment(ModelInfo.getDefaultInstance()));
        assertTrue(report.contains("anomaly: segments 1-2 (frames 16-47)"), report);
    }

    @Test
    void eachAlarmShowsItsCategoryOrUnknownWithTheConfidenceBeside() {
        // Two categories; the alarm's evidence sums to [1.8, 0.2]: Fighting with 0.9 of it.
        StreamResult camera = new StreamResult("camera-2", new float[]{0.1f, 0.9f, 0.8f, 0.1f},
                new float[][]{{0.5f, 0.5f}, {0.9f, 0.1f}, {0.9f, 0.1f}, {0.5f, 0.5f}}, List.of("Fighting", "Arson"),
                new long[]{900, 1000, 1100, 1200}, List.of(), Status.OK);
        assertTrue(print(camera, new AlarmRule(0.5f, "test", 0.85f, "test", false), 16)
                .contains("peak 0.90  Fighting (confidence 0.90)"));
        assertTrue(print(camera, new AlarmRule(0.5f, "test", 0.95f, "test", false), 16)
                .contains("peak 0.90  unknown (confidence 0.90 < 0.95)"));
        assertTrue(print(camera, new AlarmRule(0.95f, "test", 0.85f, "test", false), 16).contains("no anomaly"));
    }

    @Test
    void theServersEventsAreTheAlarmsWhenItMakesThemAnUnendedOneIncluded() {
        AnomalyEvent started = AnomalyEvent.newBuilder().setEventId("a").setPhase(EventPhase.EVENT_PHASE_STARTED)
                .setFirstSequence(0).setLastSequence(1).setPeakScore(0.6f).setTopCategory("Fighting")
                .setCategoryConfidence(0.9f).build();
        AnomalyEvent ended = started.toBuilder().setPhase(EventPhase.EVENT_PHASE_ENDED).setLastSequence(2)
                .setPeakScore(0.7f).build();
        AnomalyEvent broken = started.toBuilder().setEventId("b").setFirstSequence(3).setLastSequence(3).build();
        StreamResult camera = new StreamResult("camera-3", new float[]{0.1f, 0.9f, 0.8f, 0.1f},
                new float[][]{{0.2f}, {0.9f}, {0.9f}, {0.2f}}, List.of("Fighting"), new long[]{900, 1000, 1100, 1200},
                List.of(started, ended, broken), Status.OK);
        String report = print(camera, new AlarmRule(0.5f, "test", 0.85f, "test", true), 16);
        assertTrue(report.contains("anomaly: segments 0-2 (frames 0-47)  peak 0.70  Fighting (confidence 0.90)"),
                report);
        assertTrue(report.contains("anomaly: segments 3-3 (frames 48-63)  peak 0.60"), report);
    }

    private static String print(StreamResult camera, AlarmRule rule, int framesPerSegment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamReport.print(camera, rule, framesPerSegment, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String report(int framesPerSegment) {
        return print(CAMERA, new AlarmRule(0.5f, "test", null, "test", false), framesPerSegment);
    }
}
