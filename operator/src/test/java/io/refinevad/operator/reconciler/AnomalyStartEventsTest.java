package io.refinevad.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.load.PodAnomalyStarts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The rate limits and the text of the AnomalyStarted Events. The Kubernetes API is left out (DetectorEvents records
 * into a list here); AnomalyEventsIT in e2e/suites sees the Events on a real cluster.
 */
class AnomalyStartEventsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private final List<String> recorded = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AnomalyStartEvents events = new AnomalyStartEvents(null, new DetectorEvents(null) {
        @Override
        public void normal(AnomalyDetector detector, String reason, String message) {
            recorded.add(reason + ": " + message);
        }
    }, new OperatorMetrics(registry));
    private final AnomalyDetector detector = new AnomalyDetector();

    AnomalyStartEventsTest() {
        detector.getMetadata().setUid("uid");
    }

    @Test
    void aNoisyCameraGetsOneEventPerMinute() {
        events.record(detector, taken(0, "lobby", "lobby", "door"), NOW);
        events.record(detector, taken(0, "lobby"), NOW.plusSeconds(59));
        events.record(detector, taken(0, "lobby"), NOW.plusSeconds(60));
        assertThat(recorded).hasSize(3);
        assertThat(recorded.get(0)).startsWith("AnomalyStarted: camera lobby: anomaly started at segment 9");
        assertThat(suppressed("camera_rate")).isEqualTo(2.0);
    }

    @Test
    void manyCamerasAtOnceAreHeldToThePerDetectorLimitAndWhatPodsMissedIsCounted() {
        String[] cameras = IntStream.range(0, 50).mapToObj(i -> "camera-" + i).toArray(String[]::new);
        events.record(detector, taken(7, cameras), NOW);
        assertThat(recorded).hasSize(AnomalyStartEvents.PER_DETECTOR_PER_MINUTE);
        assertThat(suppressed("detector_rate")).isEqualTo(50.0 - AnomalyStartEvents.PER_DETECTOR_PER_MINUTE);
        assertThat(suppressed("missed")).isEqualTo(7.0);
        events.record(detector, taken(0, "camera-49"), NOW.plusSeconds(61));
        assertThat(recorded).hasSize(AnomalyStartEvents.PER_DETECTOR_PER_MINUTE + 1);
    }

    @Test
    void aStreamIdCannotForgeLinesAndTheCategoryShowsItsEvidenceWhenUnknown() {
        AnomalyEvent event = AnomalyEvent.newBuilder().setStreamId("cam\nWarning: fake\u202e").setFirstSequence(3)
                .setFirstFrame(48).setPeakScore(0.934f).setCategory("unknown").setTopCategory("Fighting")
                .setCategoryConfidence(0.41f).setModelName("refinevad").setModelVersion("1").build();
        assertThat(AnomalyStartEvents.message(new PodAnomalyStarts.Start("pod-1", event))).isEqualTo(
                "camera cam?Warning: fake?: anomaly started at segment 3 (frame 48), peak score 0.93, category unknown"
                        + " (Fighting 0.41); model refinevad version 1 on pod pod-1");
    }

    @Test
    void everyObservedPodIsAskedEvenOneWhoseLoadReportDidNotComeBack() {
        List<String> asked = new ArrayList<>();
        AnomalyStartEvents relay = new AnomalyStartEvents(new PodAnomalyStarts(0, Duration.ZERO, NOW) {
            @Override
            public Taken take(AnomalyDetector detector, List<Pod> pods) {
                pods.forEach(pod -> asked.add(pod.getMetadata().getName()));
                return new Taken(List.of(), 0);
            }
        }, null, new OperatorMetrics(registry));
        Pod answered = new PodBuilder().withNewMetadata().withName("answered").endMetadata().build();
        Pod silent = new PodBuilder().withNewMetadata().withName("silent").endMetadata().build();
        relay.relay(detector, new DetectorObservation(Optional.empty(), List.of(
                new ObservedPod(answered, true, Optional.of(LoadReport.getDefaultInstance())),
                new ObservedPod(silent, true, Optional.empty())), Optional.empty()), NOW);
        assertThat(asked).containsExactly("answered", "silent");
    }

    private double suppressed(String reason) {
        var counter = registry.find("refinevad_operator_anomaly_events_suppressed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static PodAnomalyStarts.Taken taken(long missed, String... cameras) {
        return new PodAnomalyStarts.Taken(List.of(cameras).stream().map(camera -> new PodAnomalyStarts.Start("pod-1",
                AnomalyEvent.newBuilder().setStreamId(camera).setFirstSequence(9).setFirstFrame(144)
                        .setPeakScore(0.9f).setCategory("unknown").setTopCategory("unknown").build())).toList(),
                missed);
    }
}
