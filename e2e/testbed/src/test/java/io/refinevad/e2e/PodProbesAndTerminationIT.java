package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.Pods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Probes and termination as the kubelet does them: a gRPC health readiness probe against the real scoring server,
 * an exec liveness probe that restarts its container, and deletion that sends SIGTERM and waits the grace period.
 */
@LocalClusterTest
class PodProbesAndTerminationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void theScoringServerTurnsReadyThroughItsGrpcHealthProbe(KubernetesClient client, LocalCluster cluster,
            TestNamespace namespace) {
        Path serverJar = cluster.repository().resolve("inference-server/target/quarkus-app/quarkus-run.jar");
        assertThat(serverJar).as("the scoring server is built (./mvnw package -pl inference-server -am)").exists();
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder()
                .withNewMetadata().withName("scorer").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName("server").withImage("ghcr.io/refinevad/inference-server:0.1.0")
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
                .addNewContainer().withName("app").withImage("refinevad.io/host")
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

    @Test
    void deletionSendsSigtermAndWaitsForTheProcess(KubernetesClient client, LocalCluster cluster,
            TestNamespace namespace) throws Exception {
        Path marker = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()),
                "sigterm-");
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder()
                .withNewMetadata().withName("graceful").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(20L)
                // The node agent runs the container as a process of this host, so it writes the test's folder
                // directly: the restricted profile of the test namespace allows no hostPath volume.
                .addNewContainer().withName("app").withImage("refinevad.io/host")
                .withCommand("sh", "-c", ("trap 'sleep 1; echo drained > %1$s/result; exit 0' TERM;"
                        + " echo started > %1$s/result; while true; do sleep 0.2; done").formatted(marker))
                .withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build()).create();
        await().atMost(TIMEOUT).until(() -> Files.exists(marker.resolve("result")));

        client.pods().inNamespace(namespace.name()).withName("graceful").delete();

        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(client.pods().inNamespace(namespace.name()).withName("graceful").get()).isNull());
        assertThat(Files.readString(marker.resolve("result")).strip())
                .as("the process ran its SIGTERM handler to the end before the pod was removed").isEqualTo("drained");
    }

}
