package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.status.PodProblems;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scoring pod's failures as the detector's status reports them, with the operator run by JOSDK against a real API
 * server and the pod's status written by the test as a kubelet would (no node here; the real-node test makes a real
 * OOM kill): restarts counted, and Degraded naming the reason and the container.
 */
class PodFailureStatusApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perTest("pod-failures");

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void aServerKilledForItsMemoryIsCountedAndReportedAsOomKilledWithItsContainer() {
        AnomalyDetector detector = client.resource(DetectorFixture.minimal(AnomalyDetector.class,
                OPERATOR.namespace(), "small")).create();
        scoringPod(detector, "small-0", new ContainerStatusBuilder().withName("scorer").withImage("scorer")
                .withImageID("").withReady(false).withRestartCount(2)
                .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff").endWaiting()
                        .build())
                .withNewLastState().withNewTerminated().withReason(PodProblems.OOM_KILLED).withExitCode(137)
                .withFinishedAt("2026-12-01T05:00:00Z").endTerminated().endLastState().build());

        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector live = live("small");
            assertThat(live.getStatus().getRestarts()).isEqualTo(2);
            Condition degraded = condition(live, ConditionType.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo(PodProblems.OOM_KILLED);
            assertThat(degraded.getMessage()).startsWith("pod small-0, container scorer was killed for exceeding its"
                    + " memory limit of 128Mi (OOMKilled, exit code 137").contains("restarted 2 time(s)");
        });
    }

    @Test
    void aMissingImageIsReportedAsImagePullFailedWithTheImageName() {
        AnomalyDetector detector = client.resource(DetectorFixture.minimal(AnomalyDetector.class,
                OPERATOR.namespace(), "typo")).create();
        String message = "Back-off pulling image \"registry.invalid/missing-image:0\"";
        scoringPod(detector, "typo-0", new ContainerStatusBuilder().withName("scorer").withImage("scorer")
                .withImageID("").withReady(false).withRestartCount(0)
                .withState(new ContainerStateBuilder().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage(message).endWaiting().build()).build());

        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector live = live("typo");
            assertThat(live.getStatus().getRestarts()).isZero();
            Condition degraded = condition(live, ConditionType.DEGRADED);
            assertThat(degraded.getReason()).isEqualTo("ImagePullFailed");
            assertThat(degraded.getMessage()).isEqualTo("pod typo-0, container scorer: ImagePullBackOff: " + message);
        });
    }

    /** A pod of the detector's (its ReplicaSet's) with a 128Mi limit, Running, its server's status as given. */
    private void scoringPod(AnomalyDetector detector, String name, ContainerStatus server) {
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(OPERATOR.namespace())
                .withLabels(DetectorResources.podSelector(detector))
                .withOwnerReferences(ScoringReplicaSet.controllerOfPodsOf(client, detector)).endMetadata()
                .withNewSpec().addNewContainer()
                .withName("scorer").withImage("scorer").withNewResources()
                .addToLimits("memory", new Quantity("128Mi")).endResources().endContainer().endSpec().build())
                .create();
        pod.setStatus(new PodBuilder().withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .addToContainerStatuses(server).endStatus().build().getStatus());
        client.resource(pod).updateStatus();
    }

    private AnomalyDetector live(String name) {
        AnomalyDetector detector = client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace())
                .withName(name).get();
        assertThat(detector).as("detector %s", name).isNotNull();
        assertThat(detector.getStatus()).as("status").isNotNull();
        return detector;
    }

    private static Condition condition(AnomalyDetector detector, String type) {
        return detector.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet"));
    }
}
