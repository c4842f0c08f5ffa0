package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
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
            Status.OK);

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
                new long[]{900, 1000, 1100, 1200}, Status.OK);
        assertTrue(print(camera, new AlarmRule(0.5f, "test", 0.85f, "test"), 16)
                .contains("peak 0.90  Fighting (confidence 0.90)"));
        assertTrue(print(camera, new AlarmRule(0.5f, "test", 0.95f, "test"), 16)
                .contains("peak 0.90  unknown (confidence 0.90 < 0.95)"));
        assertTrue(print(camera, new AlarmRule(0.95f, "test", 0.85f, "test"), 16).contains("no anomaly"));
    }

    private static String print(StreamResult camera, AlarmRule rule, int framesPerSegment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StreamReport.print(camera, rule, framesPerSegment, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String report(int framesPerSegment) {
        return print(CAMERA, new AlarmRule(0.5f, "test", null, "test"), framesPerSegment);
    }
}
