package io.refinevad.operator.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.refinevad.operator.dependent.ModelFetchScript;
import io.refinevad.operator.load.ObservedPod;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the pods' container statuses for what a person must fix: a container killed for its memory, the model fetch,
 * the image, a crashing server. The first found is reported; an OOM kill comes before the CrashLoopBackOff it causes.
 */
public final class PodProblems {

    /** The reason the kubelet gives a container the kernel killed for exceeding its memory limit; ours too. */
    public static final String OOM_KILLED = "OOMKilled";

    public record Problem(String reason, String message) {
    }

    private PodProblems() {
    }

    public static Optional<Problem> diagnose(List<ObservedPod> pods) {
        return pods.stream().map(ObservedPod::pod).flatMap(PodProblems::problems).findFirst();
    }

    private static Stream<Problem> problems(Pod pod) {
        if (pod.getStatus() == null) {
            return Stream.empty();
        }
        String name = pod.getMetadata().getName();
        List<ContainerStatus> inits = pod.getStatus().getInitContainerStatuses();
        List<ContainerStatus> all = Stream.concat(inits.stream(), pod.getStatus().getContainerStatuses().stream())
                .toList();
        Stream<Problem> oom = all.stream().map(status -> oomProblem(pod, status)).flatMap(Optional::stream);
        Stream<Problem> fetch = inits.stream().map(status -> fetchProblem(name, status)).flatMap(Optional::stream);
        Stream<Problem> waiting = all.stream().map(status -> waitingProblem(name, status)).flatMap(Optional::stream);
        return Stream.of(oom, fetch, waiting).flatMap(problems -> problems);
    }

    /** The container's latest end: now, if it is terminated, else the one before its last restart; null if none. */
    private static ContainerStateTerminated latestEnd(ContainerStatus status) {
        return status.getState() != null && status.getState().getTerminated() != null
                ? status.getState().getTerminated()
                : status.getLastState() == null ? null : status.getLastState().getTerminated();
    }

    /**
     * A container whose latest end was an OOM kill. It stays reported while the pod keeps that last state, also once
     * the container runs again: a server that was killed for its memory under load will be again.
     */
    private static Optional<Problem> oomProblem(Pod pod, ContainerStatus status) {
        ContainerStateTerminated terminated = latestEnd(status);
        if (terminated == null || !OOM_KILLED.equals(terminated.getReason())) {
            return Optional.empty();
        }
        String limit = memoryLimit(pod, status.getName()).map(quantity -> "its memory limit of " + quantity)
                .orElse("the memory it could get");
        return Optional.of(new Problem(OOM_KILLED, "pod " + pod.getMetadata().getName() + ", container "
                + status.getName() + " was killed for exceeding " + limit + " (OOMKilled, exit code "
                + terminated.getExitCode() + ", at " + terminated.getFinishedAt() + "; restarted "
                + status.getRestartCount() + " time(s)); raise the memory limit (spec.runtime.resources.limits.memory"
                + " for the server)"));
    }

    private static Optional<Quantity> memoryLimit(Pod pod, String container) {
        return Optional.ofNullable(pod.getSpec()).stream()
                .flatMap(spec -> Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream()))
                .filter(c -> container.equals(c.getName()))
                .map(Container::getResources)
                .filter(resources -> resources != null && resources.getLimits() != null)
                .map(resources -> resources.getLimits().get("memory"))
                .filter(quantity -> quantity != null)
                .findFirst();
    }

    private static Optional<Problem> fetchProblem(String pod, ContainerStatus status) {
        ContainerStateTerminated terminated = latestEnd(status);
        if (terminated == null || terminated.getExitCode() == null || terminated.getExitCode() == 0) {
            return Optional.empty();
        }
        int exitCode = terminated.getExitCode();
        return Optional.of(ModelFetchScript.Failure.ofExitCode(exitCode)
                .map(failure -> new Problem(failure.reason(), "pod " + pod + ": " + failure.message()))
                .orElseGet(() -> new Problem("ModelFetchFailed", "pod " + pod + ": fetching the model failed (exit"
                        + " code " + exitCode + "); check spec.model.uri and the pod's fetch-model log")));
    }

    private static Optional<Problem> waitingProblem(String pod, ContainerStatus status) {
        var waiting = status.getState() == null ? null : status.getState().getWaiting();
        if (waiting == null || waiting.getReason() == null) {
            return Optional.empty();
        }
        String detail = waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
        return switch (waiting.getReason()) {
            case "ErrImagePull", "ImagePullBackOff", "InvalidImageName" -> Optional.of(new Problem("ImagePullFailed",
                    "pod " + pod + ", container " + status.getName() + ": " + waiting.getReason() + detail));
            case "CrashLoopBackOff" -> Optional.of(new Problem("CrashLoop", "pod " + pod + ", container "
                    + status.getName() + " keeps exiting; see its log"));
            case "CreateContainerConfigError", "CreateContainerError" -> Optional.of(new Problem(
                    "PodConfigError", "pod " + pod + ", container " + status.getName() + detail));
            default -> Optional.empty();
        };
    }
}
