package io.refinevad.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged server (target/quarkus-app) as a separate process on a free port, for the *IT tests. */
final class PackagedServer implements AutoCloseable {
    final int port;
    final Process process;
    final Path log;
    final ManagedChannel channel;

    PackagedServer(String... properties) throws Exception {
        this.port = freePort();
        this.log = Files.createTempFile("refinevad-server-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.grpc.server.port=" + port, "-Dquarkus.http.port=0"));
        for (String property : properties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        awaitServing();
    }

    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                ScoringGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new AssertionError("the server did not start:\n" + log(), e);
                }
                Thread.sleep(200);
            }
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        process.destroyForcibly();
    }
}
