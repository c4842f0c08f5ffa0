package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container of a pod across its restarts: its current process, restart count, back-off, probe results and the
 * ContainerStatus a kubelet would report for it. Driven by {@link PodRunner}'s loop, never by two threads at once.
 */
final class ContainerRunner {

    /** Restart back-off, doubling from the first to the cap. Shorter than the kubelet's 10 s..5 min, to keep tests quick. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(32);

    private final Container spec;
    private final Path logFile;
    private ContainerProcess process;
    private int restartCount;
    private int runs;
    private ContainerState state;
    private ContainerState lastState;
    private Instant restartNotBefore = Instant.MIN;
    private boolean started;
    private boolean ready;
    private final ProbeTracker startup;
    private final ProbeTracker readiness;
    private final ProbeTracker liveness;

    ContainerRunner(Container spec, Path logFile) {
        this.spec = spec;
        this.logFile = logFile;
        this.state = waiting("ContainerCreating", null);
        this.startup = new ProbeTracker(spec.getStartupProbe());
        this.readiness = new ProbeTracker(spec.getReadinessProbe());
        this.liveness = new ProbeTracker(spec.getLivenessProbe());
    }

    String name() {
        return spec.getName();
    }

    Container spec() {
        return spec;
    }

    Path logFile() {
        return logFile;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    boolean hasRun() {
        return runs > 0;
    }

    boolean isReady() {
        return ready;
    }

    /** The last exit code, or null if it never exited. */
    Integer lastExitCode() {
        return state.getTerminated() == null ? null : state.getTerminated().getExitCode();
    }

    boolean mayStart(Instant now) {
        return process == null && !now.isBefore(restartNotBefore);
    }

    void start(List<String> command, Map<String, String> env, Path workingDir) throws IOException {
        Files.createDirectories(logFile.getParent());
        Files.writeString(logFile, "=== node-agent: run " + (runs + 1) + " of " + spec.getName() + " at " + Instant.now()
                + ": " + String.join(" ", command) + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = ContainerProcess.start(command, env, workingDir, logFile);
        runs++;
        Instant now = Instant.now();
        state = new ContainerStateBuilder().withNewRunning().withStartedAt(timestamp(now)).endRunning().build();
        started = spec.getStartupProbe() == null;
        ready = false;
        startup.reset(now);
        readiness.reset(now);
        liveness.reset(now);
    }

    /**
     * A container that cannot start yet (bad image, missing config): it waits with the kubelet's reason and tries
     * again after the first back-off. Returns true when the reason is new, so the caller records one event for it.
     */
    boolean cannotStart(String reason, String message) {
        boolean newReason = state.getWaiting() == null || !reason.equals(state.getWaiting().getReason());
        state = waiting(reason, message);
        restartNotBefore = Instant.now().plus(FIRST_BACKOFF);
        return newReason;
    }

    /** Checks for an exit; returns the exit code if the process ended since the last call. */
    Integer pollExit() throws InterruptedException {
        if (process == null) {
            return null;
        }
        Integer exitCode = process.awaitExit(Duration.ZERO);
        if (exitCode != null) {
            recordExit(exitCode, exitCode == 0 ? "Completed" : "Error");
        }
        return exitCode;
    }

    /** Stops the process (SIGTERM, grace period, SIGKILL) and records how it ended. */
    void stop(Duration gracePeriod, String reason) throws InterruptedException {
        if (process != null) {
            int exitCode = process.stop(gracePeriod);
            recordExit(exitCode, reason);
        }
    }

    /** Schedules the next start after the doubling back-off; the container waits in CrashLoopBackOff meanwhile. */
    void scheduleRestart(Instant now) {
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(restartCount, 4));
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        restartNotBefore = now.plus(backoff);
        restartCount++;
        lastState = state;
        state = waiting("CrashLoopBackOff", "back-off " + backoff.toSeconds() + "s restarting failed container="
                + spec.getName());
    }

    /**
     * Runs the probes that are due. Returns a reason to restart the container when its liveness or startup probe
     * has failed its threshold, else null.
     */
    String probe(Instant now, ProbeAttempt attempt) {
        if (!isRunning()) {
            return null;
        }
        if (!started) {
            Boolean result = startup.runIfDue(now, attempt);
            if (Boolean.TRUE.equals(result) && startup.passed()) {
                started = true;
            } else if (startup.failedThreshold()) {
                return "startup probe failed";
            }
            return null;
        }
        if (liveness.runIfDue(now, attempt) != null && liveness.failedThreshold()) {
            return "liveness probe failed";
        }
        if (spec.getReadinessProbe() == null) {
            ready = true;
        } else if (readiness.runIfDue(now, attempt) != null) {
            ready = readiness.passed();
        }
        return null;
    }

    ContainerStatus status(String podName) {
        return new ContainerStatusBuilder()
                .withName(spec.getName())
                .withImage(spec.getImage())
                .withImageID("refinevad-node-agent://" + ImageCatalog.nameWithoutTag(spec.getImage()))
                .withContainerID(process == null ? null : "refinevad-node-agent://" + podName + "/" + process.pid())
                .withRestartCount(restartCount)
                .withStarted(isRunning() && started)
                .withReady(isRunning() && ready)
                .withState(state)
                .withLastState(lastState)
                .build();
    }

    private void recordExit(int exitCode, String reason) {
        Instant startedAt = process.startedAt();
        process = null;
        ready = false;
        state = new ContainerStateBuilder().withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withStartedAt(timestamp(startedAt))
                .withFinishedAt(timestamp(Instant.now()))
                .endTerminated()
                .build();
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
    }

    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** One probe attempt; PodRunner supplies the pod's address, environment and mounts. */
    @FunctionalInterface
    interface ProbeAttempt {
        boolean succeeds(Probe probe);
    }

    /** Timing and thresholds of one probe: initial delay, period, success and failure thresholds. */
    private static final class ProbeTracker {
        private final Probe probe;
        private Instant nextRun = Instant.MAX;
        private int successes;
        private int failures;
        private boolean passed;

        ProbeTracker(Probe probe) {
            this.probe = probe;
        }

        void reset(Instant containerStart) {
            successes = 0;
            failures = 0;
            passed = false;
            if (probe != null) {
                nextRun = containerStart.plusSeconds(Objects.requireNonNullElse(probe.getInitialDelaySeconds(), 0));
            }
        }

        /** Runs the probe if due; returns its result, or null if it was not due. */
        Boolean runIfDue(Instant now, ProbeAttempt attempt) {
            if (probe == null || now.isBefore(nextRun)) {
                return null;
            }
            nextRun = now.plusSeconds(Objects.requireNonNullElse(probe.getPeriodSeconds(), 10));
            boolean success = attempt.succeeds(probe);
            if (success) {
                failures = 0;
                successes++;
                if (successes >= Objects.requireNonNullElse(probe.getSuccessThreshold(), 1)) {
                    passed = true;
                }
            } else {
                successes = 0;
                failures++;
                if (failures >= Objects.requireNonNullElse(probe.getFailureThreshold(), 3)) {
                    passed = false;
                }
            }
            return success;
        }

        boolean passed() {
            return passed;
        }

        boolean failedThreshold() {
            return failures >= Objects.requireNonNullElse(probe.getFailureThreshold(), 3);
        }
    }
}
