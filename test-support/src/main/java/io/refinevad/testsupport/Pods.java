package io.refinevad.testsupport;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Optional;

/**
 * What tests read off a pod, safe on a pod that is just created: one that has no status, no conditions or no
 * container statuses yet reads as not Ready / empty, so Awaitility waits instead of failing on an exception.
 */
public final class Pods {

    private Pods() {
    }

    /** Ready=True and not being deleted. A null pod (not created yet, or gone) is not ready. */
    public static boolean isReady(Pod pod) {
        return pod != null && pod.getMetadata().getDeletionTimestamp() == null
                && conditions(pod.getStatus()).stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * The status of the pod's container of that name. Until the kubelet has reported it, an AssertionError, the one
     * failure Awaitility's untilAsserted retries.
     */
    public static ContainerStatus containerStatus(Pod pod, String container) {
        return find(pod == null || pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses(), container);
    }

    /** The same for an init container. */
    public static ContainerStatus initContainerStatus(Pod pod, String container) {
        return find(pod == null || pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses(),
                container);
    }

    private static ContainerStatus find(List<ContainerStatus> statuses, String container) {
        return Optional.ofNullable(statuses).orElse(List.of()).stream().filter(s -> container.equals(s.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no status of container " + container + " yet"));
    }

    private static List<PodCondition> conditions(PodStatus status) {
        return status == null || status.getConditions() == null ? List.of() : status.getConditions();
    }
}
