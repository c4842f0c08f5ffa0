package io.refinevad.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * One of our packaged applications (a Quarkus {@code quarkus-run.jar}) started as a separate process, as a user
 * would start it, with its output in a log file. Tests build it with {@link #builder(Path)} and wait with
 * {@link #awaitReady}.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int FIRST_PORT = 15000;
    private static final int PORTS = 15000;
    private static final Random RANDOM = new Random();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final String name;
    private final Process process;
    private final Path log;

    private PackagedApp(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Builder builder(Path jar) {
        return new Builder(jar);
    }

    /**
     * A port nothing listens on now, for the application to bind, never handed out twice in this JVM. Taken below
     * the kernel's ephemeral range (32768 and up), not from it as {@code new ServerSocket(0)} would: every outgoing
     * connection on this machine takes a local port from that range, and one did take such a port between this
     * answer and the application's bind (CI, 2026-12-02: "Address already in use"). Not from 30000-32767 either,
     * where the local cluster's kube-proxy serves NodePort Services.
     */
    public static synchronized int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FIRST_PORT + RANDOM.nextInt(PORTS);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));  // the wildcard address, as the applications bind
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * Polls {@code ready} until it returns true. Exceptions from it count as "not yet" (the application may not
     * listen yet); the wait fails at once, with the log, if the process exits, and after {@code timeout}.
     */
    public void awaitReady(Duration timeout, Callable<Boolean> ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                if (ready.call()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception notYet) {
                lastFailure = notYet;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n"
                        + log(), lastFailure);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " was not ready within " + timeout + ":\n" + log(), lastFailure);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path logFile() {
        return log;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as Kubernetes stops a container, then SIGKILL if the application has not exited in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public static final class Builder {
        private final Path jar;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Path log;

        private Builder(Path jar) {
            this.jar = jar;
        }

        /** A {@code -Dkey=value} system property (Quarkus reads its configuration from them). */
        public Builder property(String key, Object value) {
            properties.put(key, String.valueOf(value));
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Where the output goes; a temporary file if not set. */
        public Builder log(Path file) {
            this.log = file;
            return this;
        }

        public PackagedApp start() throws IOException {
            if (!Files.isRegularFile(jar)) {
                throw new AssertionError(jar + " does not exist: package the application first (./mvnw package)");
            }
            Path logFile = log != null ? log : Files.createTempFile("refinevad-app-", ".log");
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().putAll(environment);
            return new PackagedApp(jar.getFileName().toString() + " (" + logFile + ")", builder.start(), logFile);
        }
    }
}
