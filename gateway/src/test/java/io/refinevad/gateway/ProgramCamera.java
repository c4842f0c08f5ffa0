package io.refinevad.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Assertions;

/**
 * A camera that is someone else's program (grpcurl, a grpcio script) streaming the golden clip through the gateway
 * with none of our client's logic: the test says which segment to send next, the program sends it as one message,
 * and its answers are read from its output as they come.
 */
abstract class ProgramCamera implements AutoCloseable {
    /** One score as the program printed it. */
    record Answer(long sequence, float score) {
    }

    final List<Answer> answers = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    /** How the call ended, as the program said: "OK", or the status code and message. */
    final CompletableFuture<String> ended = new CompletableFuture<>();
    private final Process process;
    private final OutputStream input;

    ProgramCamera(List<String> command, Path log) {
        try {
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + " did not start", e);
        }
        input = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream output = process.getInputStream()) {
                read(output);
            } catch (IOException | RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }, "reads-" + command.get(0));
        reader.setDaemon(true);
        reader.start();
    }

    /** What the program reads to send segment {@code t}. */
    abstract String message(int t);

    /** Reads the program's answers into {@link #answers}, {@link #opened} and {@link #ended} until its output ends. */
    abstract void read(InputStream output) throws IOException;

    final void send(int t) {
        write(message(t));
    }

    /** Writes to the program's standard input. */
    final void write(String text) {
        try {
            input.write(text.getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("camera program stopped reading", e);
        }
    }

    /** Ends the camera's input: the program closes its side of the stream. */
    final void closeInput() {
        try {
            input.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int exitCode() throws InterruptedException {
        Assertions.assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the camera program did not exit");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /**
     * A tool the tests run, or where its absence ends the test: in CI (CI=true) a failure, so that a test cannot pass
     * there by not running; elsewhere a skip saying how to get it.
     */
    static Path tool(Path path, String howToGetIt) {
        if (!Files.isExecutable(path)) {
            String missing = path + " is missing: " + howToGetIt;
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(missing + " (CI=true, where a missing tool fails instead of skipping)");
            }
            Assumptions.abort(missing);
        }
        return path;
    }
}
