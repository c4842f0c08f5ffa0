package io.refinevad.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.refinevad.operator.dependent.ModelFetchScript;
import io.refinevad.operator.load.ObservedPod;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the pods' container statuses for what a person must fix: the model fetch, the image, a crashing server. */
public final class PodProblems {

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
        Stream<Problem> init = pod.getStatus().getInitContainerStatuses().stream()
                .map(status -> fetchProblem(name, status)).flatMap(Optional::stream);
        Stream<Problem> main = Stream.concat(pod.getStatus().getInitContainerStatuses().stream(),
                        pod.getStatus().getContainerStatuses().stream())
                .map(status -> waitingProblem(name, status)).flatMap(Optional::stream);
        return Stream.concat(init, main);
    }

    private static Optional<Problem> fetchProblem(String pod, ContainerStatus status) {
        var terminated = status.getState() != null && status.getState().getTerminated() != null
                ? status.getState().getTerminated()
                : status.getLastState() == null ? null : status.getLastState().getTerminated();
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
