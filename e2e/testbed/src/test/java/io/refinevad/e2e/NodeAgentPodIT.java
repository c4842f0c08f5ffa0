package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.Pods;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the node agent (the kubelet stand-in) does for a pod: init containers before containers, configMap,
 * secret, emptyDir and service-account volumes as files, env from the downward API and secrets, exit codes and
 * restarts in the status, and GPU capacity that the real scheduler honours.
 */
@LocalClusterTest
class NodeAgentPodIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void initContainersVolumesAndEnvironmentReachTheProcess(KubernetesClient client, TestNamespace namespace) {
        String ns = namespace.name();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("config")
                .endMetadata().addToData("greeting", "hello").build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("creds")
                .endMetadata().addToStringData("password", "s3cret").build()).create();
        // The init container leaves a file in the shared emptyDir; the container exits 3 only if everything it
        // expects is in place, so the exit code proves each feature at once.
        String script = "test \"$(cat /work/from-init)\" = init-ran"
                + " && test \"$(cat /etc/config/greeting)\" = hello"
                + " && test \"$PASSWORD\" = s3cret && test \"$POD_NAME\" = checker"
                + " && test -s /var/run/secrets/kubernetes.io/serviceaccount/token"
                + " && test -s /var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
                + " && exit 3";
        client.pods().inNamespace(ns).resource(new PodBuilder()
                .withNewMetadata().withName("checker").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withRestartPolicy("Never")
                .addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("config").withNewConfigMap().withName("config").endConfigMap().endVolume()
                .addNewInitContainer().withName("prepare").withImage("refinevad.io/host")
                .withCommand("sh", "-c", "echo -n init-ran > /work/from-init")
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .withSecurityContext(RestrictedProfile.container()).endInitContainer()
                .addNewContainer().withName("check").withImage("refinevad.io/host")
                .withCommand("sh", "-c", script)
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .addNewVolumeMount().withName("config").withMountPath("/etc/config").endVolumeMount()
                .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef("password", "creds", false)
                .endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                .endFieldRef().endValueFrom().endEnv()
                .withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build()).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Pod pod = client.pods().inNamespace(ns).withName("checker").get();
            assertThat(pod.getStatus()).as("pod status").isNotNull();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
            assertThat(exitCode(Pods.initContainerStatus(pod, "prepare"))).isZero();
            assertThat(exitCode(Pods.containerStatus(pod, "check"))).isEqualTo(3);
        });
    }

    @Test
    void aCrashingContainerIsRestartedWithBackOff(KubernetesClient client, TestNamespace namespace) {
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder()
                .withNewMetadata().withName("crasher").endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .addNewContainer().withName("crash").withImage("refinevad.io/host")
                .withCommand("sh", "-c", "exit 7").withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build()).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            ContainerStatus status = Pods.containerStatus(
                    client.pods().inNamespace(namespace.name()).withName("crasher").get(), "crash");
            assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(2);
            assertThat(status.getLastState()).as("last state").isNotNull();
            assertThat(status.getLastState().getTerminated()).as("last termination").isNotNull();
            assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(7);
        });
    }

    @Test
    void gpuRequestsAreScheduledAgainstTheNodesCapacity(KubernetesClient client, TestNamespace namespace) {
        int gpus = client.nodes().list().getItems().get(0).getStatus().getAllocatable().get("nvidia.com/gpu")
                .getNumericalAmount().intValue();
        assertThat(gpus).as("the node agent advertises GPUs").isPositive();
        client.pods().inNamespace(namespace.name()).resource(gpuPod("fits", gpus)).create();
        client.pods().inNamespace(namespace.name()).resource(gpuPod("too-big", gpus + 1)).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Pod fits = client.pods().inNamespace(namespace.name()).withName("fits").get();
            assertThat(fits.getSpec().getNodeName()).isNotNull();
            Pod tooBig = client.pods().inNamespace(namespace.name()).withName("too-big").get();
            assertThat(tooBig.getStatus()).as("status of too-big").isNotNull();
            assertThat(tooBig.getStatus().getConditions()).anySatisfy(condition -> {
                assertThat(condition.getType()).isEqualTo("PodScheduled");
                assertThat(condition.getReason()).isEqualTo("Unschedulable");
                assertThat(condition.getMessage()).contains("Insufficient nvidia.com/gpu");
            });
        });
    }

    /** The exit code of a container that has terminated (an AssertionError until it has, so Awaitility retries). */
    private static int exitCode(ContainerStatus status) {
        assertThat(status.getState()).as("state of %s", status.getName()).isNotNull();
        assertThat(status.getState().getTerminated()).as("%s terminated", status.getName()).isNotNull();
        return status.getState().getTerminated().getExitCode();
    }

    private static Pod gpuPod(String name, int gpus) {
        return new PodBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("gpu").withImage("refinevad.io/host").withCommand("sleep", "600")
                .withNewResources().addToLimits("nvidia.com/gpu", new Quantity(String.valueOf(gpus))).endResources()
                .withSecurityContext(RestrictedProfile.container()).endContainer()
                .endSpec()
                .build();
    }
}
