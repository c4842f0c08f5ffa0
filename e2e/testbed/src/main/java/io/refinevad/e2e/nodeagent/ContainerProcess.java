package io.refinevad.e2e.nodeagent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a container: a local process (and whatever it forks) with its own environment, working folder and log
 * file. Stopping follows the kubelet: SIGTERM to the whole process tree, the grace period, then SIGKILL.
 */
final class ContainerProcess {

    private final Process process;
    private final Instant startedAt;

    private ContainerProcess(Process process, Instant startedAt) {
        this.process = process;
        this.startedAt = startedAt;
    }

    static ContainerProcess start(List<String> command, Map<String, String> env, Path workingDir, Path logFile)
            throws IOException {
        Files.createDirectories(workingDir);
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        return new ContainerProcess(builder.start(), Instant.now());
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the exit code, at most the given time; returns null while it still runs. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGTERM to the tree, up to the grace period for it to exit, then SIGKILL; returns the exit code. */
    int stop(Duration gracePeriod) throws InterruptedException {
        List<ProcessHandle> tree = processTree();
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(gracePeriod);
        for (ProcessHandle handle : tree) {
            long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                handle.onExit().get(remaining, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                break;
            }
        }
        processTree().forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        return process.exitValue();
    }

    private List<ProcessHandle> processTree() {
        var descendants = process.descendants().toList();
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), descendants.stream())
                .filter(ProcessHandle::isAlive)
                .toList();
    }
}
