package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.Pods;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The probes the product's pods use, on the real node and its images: a gRPC health readiness probe against the
 * scoring server's image, and an exec liveness probe that restarts its container. (How the scoring server ends
 * on SIGTERM, draining its streams, is FaultToleranceIT's in the suites.)
 */
@LocalClusterTest
class PodProbesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theScoringServerTurnsReadyThroughItsGrpcHealthProbe(KubernetesClient client, TestNamespace namespace) {
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder()
                .withNewMetadata().withName("scorer").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName("server").withImage(BedImages.SCORING_SERVER)
                .addNewPort().withName("grpc").withContainerPort(9000).endPort()
                .withNewReadinessProbe().withNewGrpc().withPort(9000).endGrpc().withPeriodSeconds(1)
                .endReadinessProbe()
                .withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build()).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                Pods.isReady(client.pods().inNamespace(namespace.name()).withName("scorer").get())).isTrue());
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainer(KubernetesClient client, TestNamespace namespace) {
        // Healthy while /state/alive exists; the container removes it after a moment, and each restart creates it
        // again, so the probe fails once per run.
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder()
                .withNewMetadata().withName("flaky").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(1L)
                .addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewContainer().withName("app").withImage(BedImages.SHELL)
                .withCommand("sh", "-c", "touch /state/alive; sleep 2; rm /state/alive; exec sleep 600")
                .addNewVolumeMount().withName("state").withMountPath("/state").endVolumeMount()
                .withNewLivenessProbe().withNewExec().withCommand("test", "-f", "/state/alive").endExec()
                .withPeriodSeconds(1).withFailureThreshold(2).endLivenessProbe()
                .withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build()).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ContainerStatus status = Pods.containerStatus(
                    client.pods().inNamespace(namespace.name()).withName("flaky").get(), "app");
            assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(1);
            assertThat(client.v1().events().inNamespace(namespace.name()).list().getItems())
                    .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("Unhealthy"));
        });
    }
}
