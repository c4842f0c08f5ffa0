package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIPBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pod status a kubelet would post: phase, conditions, addresses and container statuses. It is sent as a JSON
 * merge patch of the whole status (the agent owns it) and only when it changed, so a steady pod costs no API calls.
 */
final class PodStatusReport {

    private final KubernetesClient client;
    private final Pod pod;
    private final String startTime = ContainerRunner.timestamp(Instant.now());
    private final Map<String, String> transitionTimes = new HashMap<>();
    private final Map<String, Boolean> conditionValues = new HashMap<>();
    private String lastSent;
    private boolean volumesReady;
    private String waitingMessage;

    PodStatusReport(KubernetesClient client, Pod pod) {
        this.client = client;
        this.pod = pod;
    }

    void volumesReady() {
        volumesReady = true;
        waitingMessage = null;
    }

    void waitingForVolumes(PodRunner runner, String message) {
        waitingMessage = "MountVolume.SetUp failed: " + message;
        publish(runner);
    }

    void failed(PodRunner runner, String message) {
        waitingMessage = message;
        send(build(runner, "Failed"));
    }

    void publish(PodRunner runner) {
        send(build(runner, phase(runner)));
    }

    /** The kubelet's last act: delete the pod object with grace period 0 once its containers have stopped. */
    void remove() {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            System.err.println("node-agent: could not remove pod " + pod.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    private static String phase(PodRunner runner) {
        boolean initFailed = runner.initContainers().stream()
                .anyMatch(init -> !init.isRunning() && init.lastExitCode() != null && init.lastExitCode() != 0
                        && "Never".equals(runner.restartPolicy()));
        if (initFailed) {
            return "Failed";
        }
        if (!runner.initialized()) {
            return "Pending";
        }
        List<ContainerRunner> containers = runner.containers();
        if (containers.stream().anyMatch(c -> c.isRunning() || c.hasRun() && c.lastExitCode() == null)) {
            return "Running";
        }
        if (containers.stream().allMatch(runner::isFinished)) {
            return containers.stream().allMatch(c -> c.lastExitCode() == 0) ? "Succeeded" : "Failed";
        }
        return containers.stream().anyMatch(ContainerRunner::hasRun) ? "Running" : "Pending";
    }

    private PodStatus build(PodRunner runner, String phase) {
        boolean initialized = runner.initialized();
        boolean containersReady = initialized && runner.containers().stream().allMatch(ContainerRunner::isReady);
        String podName = pod.getMetadata().getName();
        PodStatusBuilder status = new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP(NodeRegistration.HOST_IP)
                .withHostIPs(new HostIPBuilder().withIp(NodeRegistration.HOST_IP).build())
                .withStartTime(startTime)
                .withConditions(
                        condition("PodReadyToStartContainers", volumesReady, null),
                        condition("Initialized", initialized, initialized ? null : "ContainersNotInitialized"),
                        condition("ContainersReady", containersReady, containersReady ? null : "ContainersNotReady"),
                        condition("Ready", containersReady, containersReady ? null : "ContainersNotReady"),
                        condition("PodScheduled", true, null))
                .withInitContainerStatuses(runner.initContainers().stream().map(c -> c.status(podName)).toList())
                .withContainerStatuses(runner.containers().stream().map(c -> c.status(podName)).toList())
                .withMessage(waitingMessage);
        if (runner.podIp() != null) {
            status.withPodIP(runner.podIp()).withPodIPs(new PodIPBuilder().withIp(runner.podIp()).build());
        }
        return status.build();
    }

    private PodCondition condition(String type, boolean value, String reason) {
        Boolean previous = conditionValues.put(type, value);
        if (previous == null || previous != value) {
            transitionTimes.put(type, ContainerRunner.timestamp(Instant.now()));
        }
        return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False").withReason(reason)
                .withLastTransitionTime(transitionTimes.get(type)).build();
    }

    private void send(PodStatus status) {
        String json = Serialization.asJson(Map.of("status", status));
        if (json.equals(lastSent)) {
            return;
        }
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), json);
            lastSent = json;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                System.err.println("node-agent: status of " + pod.getMetadata().getName() + " not written: "
                        + e.getMessage());
            }
        }
    }
}
