package io.refinevad.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.scaling.ScaleDecision;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scaler's per-detector memory: one history per detector object (its uid), so a detector created again under
 * a deleted one's name starts afresh, and a deleted detector's history can be dropped.
 */
class DetectorScalerTest {

    private static final Instant T0 = Instant.parse("2026-11-30T18:00:00Z");

    private final DetectorScaler scaler = new DetectorScaler();

    @Test
    void aDetectorCreatedAgainUnderTheSameNameDoesNotInheritItsPredecessorsHistory() {
        AnomalyDetector first = detector("uid-1");
        assertThat(scaler.decide(first, observation(1, 8), T0).desiredReplicas()).isEqualTo(4);

        // Deleted, and created again with the same namespace and name: a new object, a new uid.
        AnomalyDetector second = detector("uid-2");
        assertThat(scaler.decide(second, noDeploymentYet(), T0.plusSeconds(10)).desiredReplicas()).isEqualTo(1);
        assertThat(scaler.decide(second, observation(1, 4), T0.plusSeconds(20)).desiredReplicas()).isEqualTo(2);
        ScaleDecision held = scaler.decide(second, observation(2, 0), T0.plusSeconds(30));

        assertThat(held.direction()).isEqualTo(ScaleDecision.Direction.NONE);
        assertThat(held.reason()).as("the window holds what this detector recommended, not its predecessor's 4")
                .contains("(max recommendation 2)");
        assertThat(scaler.trackedDetectors()).isEqualTo(2);
    }

    @Test
    void forgettingADeletedDetectorDropsItsHistory() {
        AnomalyDetector deleted = detector("uid-1");
        AnomalyDetector kept = detector("uid-2");
        scaler.decide(deleted, observation(1, 8), T0);
        scaler.decide(kept, observation(1, 2), T0);

        scaler.forget(deleted);

        assertThat(scaler.trackedDetectors()).isEqualTo(1);
        assertThat(scaler.decide(kept, observation(1, 2), T0.plusSeconds(5)).desiredReplicas()).isEqualTo(1);
    }

    /** cams in video: 1..4 replicas, 2 streams per replica, a 300 s scale-down window (the default). */
    private static AnomalyDetector detector(String uid) {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, "video", "cams");
        detector.getMetadata().setUid(uid);
        detector.getSpec().getScaling().setTargetStreamsPerReplica(2);
        return detector;
    }

    private static DetectorObservation noDeploymentYet() {
        return new DetectorObservation(Optional.empty(), List.of(), Optional.empty());
    }

    /** A Deployment of {@code replicas} and one Ready pod that reports {@code streams} active streams. */
    private static DetectorObservation observation(int replicas, int streams) {
        Deployment deployment = new DeploymentBuilder().withNewSpec().withReplicas(replicas).endSpec().build();
        Pod pod = new PodBuilder().withNewMetadata().withName("cams-pod").endMetadata().build();
        LoadReport load = LoadReport.newBuilder().setActiveStreams(streams).setStreamCapacity(64).build();
        return new DetectorObservation(Optional.of(deployment), List.of(new ObservedPod(pod, true, Optional.of(load))),
                Optional.empty());
    }
}
