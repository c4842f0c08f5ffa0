package io.refinevad.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.scaling.ScaleDecision;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import io.refinevad.testsupport.DetectorFixture;
import org.junit.jupiter.api.Test;

/** The status built from an observation: counts, conditions and their reasons, and stability when nothing changed. */
class StatusAggregatorTest {

    private static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    private static final ScaleDecision STEADY = new ScaleDecision(2, ScaleDecision.Direction.NONE, "4 active streams");

    @Test
    void readyPodsWithLoadGiveAReadyStatusWithStreamsAndCapacity() {
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);

        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getActiveStreams()).isEqualTo(4);
        assertThat(status.getStreamCapacity()).isEqualTo(128);
        assertThat(status.getEndpoint()).isEqualTo("cams.video.svc:9000");
        assertThat(status.getSelector()).isEqualTo("refinevad.io/detector=cams,app.kubernetes.io/component=scorer");
        assertThat(condition(status, ConditionType.READY).getStatus()).isEqualTo("True");
        assertThat(condition(status, ConditionType.SCALING).getReason()).isEqualTo("Stable");
        assertThat(condition(status, ConditionType.DEGRADED).getReason()).isEqualTo("AsExpected");
    }

    @Test
    void theGatewayIsReadyWhenAllItsPodsAreAndTheDetectorOnceOneIs() {
        AnomalyDetectorStatus all = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);
        assertThat(condition(all, ConditionType.GATEWAY_READY).getStatus()).isEqualTo("True");
        assertThat(condition(all, ConditionType.GATEWAY_READY).getMessage()).isEqualTo("2 of 2 gateway pods ready");
        assertThat(condition(all, ConditionType.READY).getMessage())
                .isEqualTo("2 of 2 scoring pods ready, 2 of 2 gateway pods ready");

        AnomalyDetectorStatus one = StatusAggregator.aggregate(detector(), observation(Optional.of(gateway(1)),
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);
        assertThat(condition(one, ConditionType.GATEWAY_READY).getStatus()).isEqualTo("False");
        assertThat(condition(one, ConditionType.GATEWAY_READY).getReason()).isEqualTo("PodsNotReady");
        assertThat(condition(one, ConditionType.GATEWAY_READY).getMessage()).isEqualTo("1 of 2 gateway pods ready");
        assertThat(condition(one, ConditionType.READY).getStatus()).as("one gateway pod reaches every scoring pod")
                .isEqualTo("True");
        assertThat(one.getEndpoint()).isEqualTo("cams.video.svc:9000");
    }

    @Test
    void withoutAReadyGatewayPodTheDetectorIsNotReadyWhateverItsScoringPods() {
        for (Optional<Deployment> gateway : List.of(Optional.of(gateway(0)), Optional.<Deployment>empty())) {
            AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(gateway,
                    readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);

            Condition ready = condition(status, ConditionType.READY);
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("GatewayNotReady");
            assertThat(ready.getMessage()).isEqualTo("2 of 2 scoring pods ready, 0 of 2 gateway pods ready");
            assertThat(condition(status, ConditionType.GATEWAY_READY).getStatus()).isEqualTo("False");
        }
    }

    @Test
    void aDisabledGatewayIsReadyDisabledAndTheScoringPodsAloneMakeTheDetectorReady() {
        AnomalyDetector detector = detector();
        detector.getSpec().getGateway().setEnabled(false);
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector, observation(Optional.empty(),
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);

        Condition gateway = condition(status, ConditionType.GATEWAY_READY);
        assertThat(gateway.getStatus()).isEqualTo("True");
        assertThat(gateway.getReason()).isEqualTo("Disabled");
        assertThat(condition(status, ConditionType.READY).getStatus()).isEqualTo("True");
        assertThat(condition(status, ConditionType.READY).getMessage()).isEqualTo("2 of 2 scoring pods ready");
        assertThat(status.getEndpoint()).as("the same endpoint, now in front of the scoring pods")
                .isEqualTo("cams.video.svc:9000");
    }

    @Test
    void anUnchangedWorldGivesAnEqualStatusSoNothingIsWritten() {
        AnomalyDetector detector = detector();
        DetectorObservation observation = observation(readyPod("a", load(3, false)), readyPod("b", load(1, false)));
        detector.setStatus(StatusAggregator.aggregate(detector, observation, STEADY, T0));

        AnomalyDetectorStatus later = StatusAggregator.aggregate(detector, observation, STEADY, T0.plusSeconds(60));
        assertThat(later).isEqualTo(detector.getStatus());
        assertThat(condition(later, ConditionType.READY).getLastTransitionTime()).isEqualTo("2026-11-29T03:00:00Z");
    }

    @Test
    void aReadyPodThatDoesNotAnswerMakesTheDetectorDegraded() {
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(3, false)), readyPod("b", null)), STEADY, T0);

        Condition degraded = condition(status, ConditionType.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("PodsUnreachable");
        assertThat(degraded.getMessage()).contains("1 ready pod(s) did not answer");
    }

    @Test
    void aFailedModelFetchNamesTheReasonOnModelReady() {
        Pod failing = new PodBuilder().withNewMetadata().withName("c").endMetadata().withNewStatus()
                .addNewInitContainerStatus().withName("fetch-model").withNewState().withNewTerminated()
                .withExitCode(3).endTerminated().endState().endInitContainerStatus().endStatus().build();
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(),
                observation(new ObservedPod(failing, false, Optional.empty())),
                new ScaleDecision(1, ScaleDecision.Direction.NONE, "no streams"), T0);

        assertThat(condition(status, ConditionType.MODEL_READY).getReason()).isEqualTo("ModelChecksumMismatch");
        assertThat(condition(status, ConditionType.DEGRADED).getReason()).isEqualTo("ModelChecksumMismatch");
        assertThat(condition(status, ConditionType.READY).getStatus()).isEqualTo("False");
    }

    @Test
    void aScaleDecisionIsRecordedWithItsReason() {
        ScaleDecision up = new ScaleDecision(3, ScaleDecision.Direction.UP, "6 active streams / 2 per replica = 3");
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(6, false))), up, T0);

        assertThat(status.getLastScaleReason()).isEqualTo("6 active streams / 2 per replica = 3");
        assertThat(status.getLastScaleTime()).isEqualTo("2026-11-29T03:00:00Z");
        assertThat(condition(status, ConditionType.SCALING).getReason()).isEqualTo("ScalingUp");
    }

    @Test
    void aFailedPassKeepsWhatWasObservedAndIsDegradedReconcileFailedWithTheCause() {
        AnomalyDetector detector = detector();
        detector.setStatus(StatusAggregator.aggregate(detector, observation(
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0));
        AnomalyDetectorStatus before = StatusAggregator.aggregate(detector, observation(
                readyPod("a", load(3, false)), readyPod("b", load(1, false))), STEADY, T0);

        AnomalyDetectorStatus failed = StatusAggregator.failed(detector,
                new IllegalStateException("deployments.apps \"cams\" is forbidden"), T0.plusSeconds(60));

        Condition degraded = condition(failed, ConditionType.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo(StatusAggregator.RECONCILE_FAILED);
        assertThat(degraded.getMessage()).isEqualTo("reconciliation failed: deployments.apps \"cams\" is forbidden");
        assertThat(degraded.getLastTransitionTime()).isEqualTo("2026-11-29T03:01:00Z");
        assertThat(condition(failed, ConditionType.READY)).isEqualTo(condition(before, ConditionType.READY));
        assertThat(failed.getReadyReplicas()).isEqualTo(2);
        assertThat(failed.getActiveStreams()).isEqualTo(4);
        assertThat(detector.getStatus()).as("the detector's own status is left alone").isEqualTo(before);
    }

    @Test
    void aFailureBeforeAnyStatusGivesADegradedCondition() {
        AnomalyDetectorStatus failed = StatusAggregator.failed(detector(), new IllegalStateException(), T0);

        assertThat(failed.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(ConditionType.DEGRADED);
            assertThat(c.getReason()).isEqualTo(StatusAggregator.RECONCILE_FAILED);
            assertThat(c.getMessage()).isEqualTo("reconciliation failed: java.lang.IllegalStateException");
            assertThat(c.getObservedGeneration()).isEqualTo(1L);
        });
    }

    @Test
    void aServerKilledForItsMemoryIsDegradedOomKilledNamingTheContainerItsLimitAndItsRestarts() {
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(1, false)), oomKilledPod("b", 3, "CrashLoopBackOff")), STEADY, T0);

        Condition degraded = condition(status, ConditionType.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).as("before the CrashLoopBackOff it causes").isEqualTo("OOMKilled");
        assertThat(degraded.getMessage()).isEqualTo("pod b, container scorer was killed for exceeding its memory"
                + " limit of 128Mi (OOMKilled, exit code 137, at 2026-11-29T02:59:00Z; restarted 3 time(s)); raise"
                + " the memory limit (spec.runtime.resources.limits.memory for the server)");
        assertThat(status.getRestarts()).isEqualTo(3);
    }

    @Test
    void anOomKillStaysReportedOnceTheServerRunsAgain() {
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                oomKilledPod("b", 1, null)), STEADY, T0);

        assertThat(condition(status, ConditionType.DEGRADED).getReason()).isEqualTo("OOMKilled");
        assertThat(status.getRestarts()).isEqualTo(1);
    }

    @Test
    void restartsAreCountedOverEveryContainerOfEveryPod() {
        Pod crashing = new PodBuilder().withNewMetadata().withName("c").endMetadata().withNewStatus()
                .addNewInitContainerStatus().withName("fetch-model").withRestartCount(1).endInitContainerStatus()
                .addNewContainerStatus().withName("scorer").withRestartCount(2).withNewLastState().withNewTerminated()
                .withReason("Error").withExitCode(1).endTerminated().endLastState().endContainerStatus()
                .endStatus().build();
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                new ObservedPod(crashing, false, Optional.empty()), oomKilledPod("b", 4, null),
                readyPod("a", load(0, false))), STEADY, T0);

        assertThat(status.getRestarts()).isEqualTo(7);
        assertThat(condition(status, ConditionType.DEGRADED).getReason()).isEqualTo("OOMKilled");
    }

    @Test
    void noRestartsAreZero() {
        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector(), observation(
                readyPod("a", load(3, false))), STEADY, T0);

        assertThat(status.getRestarts()).isZero();
    }

    private static Condition condition(AnomalyDetectorStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    /** These scoring pods, and the default two gateway pods, both Ready. */
    private static DetectorObservation observation(ObservedPod... pods) {
        return observation(Optional.of(gateway(2)), pods);
    }

    private static DetectorObservation observation(Optional<Deployment> gateway, ObservedPod... pods) {
        Deployment deployment = new DeploymentBuilder().withNewSpec().withReplicas(pods.length).endSpec()
                .withNewStatus().withReplicas(pods.length).endStatus().build();
        return new DetectorObservation(Optional.of(deployment), List.of(pods), gateway);
    }

    /** The gateway's Deployment of two replicas, this many of them Ready. */
    private static Deployment gateway(int ready) {
        return new DeploymentBuilder().withNewSpec().withReplicas(2).endSpec()
                .withNewStatus().withReplicas(2).withReadyReplicas(ready == 0 ? null : ready).endStatus().build();
    }

    private static ObservedPod readyPod(String name, LoadReport load) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
        return new ObservedPod(pod, true, Optional.ofNullable(load));
    }

    /**
     * A scoring pod whose server the kernel killed for its 128Mi limit: waiting in the given reason (null: running
     * again), its last end OOMKilled.
     */
    private static ObservedPod oomKilledPod(String name, int restarts, String waitingReason) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addNewContainer()
                .withName("scorer").withNewResources().addToLimits("memory", new Quantity("128Mi")).endResources()
                .endContainer().endSpec().withNewStatus().withPhase("Running").addNewContainerStatus()
                .withName("scorer").withRestartCount(restarts)
                .withState(waitingReason == null
                        ? new ContainerStateBuilder().withNewRunning().endRunning().build()
                        : new ContainerStateBuilder().withNewWaiting().withReason(waitingReason).endWaiting().build())
                .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137)
                .withFinishedAt("2026-11-29T02:59:00Z").endTerminated().endLastState()
                .endContainerStatus().endStatus().build();
        return new ObservedPod(pod, false, Optional.empty());
    }

    private static LoadReport load(int streams, boolean draining) {
        return LoadReport.newBuilder().setActiveStreams(streams).setStreamCapacity(64).setDraining(draining).build();
    }

    private static AnomalyDetector detector() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, "video", "cams");
        detector.getMetadata().setGeneration(1L);
        return detector;
    }
}
