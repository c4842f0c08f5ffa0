package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the packaged server, as Kubernetes sends it to a pod being removed: the open stream is handed back
 * with every accepted segment answered, and the process exits well within the drain timeout.
 */
class GracefulShutdownIT {

    @Test
    void sigtermHandsStreamsBackWithoutLosingAcceptedSegments() throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("refinevad-server-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Dquarkus.grpc.server.port=" + port, "-Dquarkus.http.port=0",
                "-Drefinevad.drain.timeout=20s", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            awaitServing(channel, server, log);
            float[] clip = GoldenVectors.read("stream_x").values();
            RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("camera")
                    .send(clip, 512, 0, 40);
            while (stream.scores().size() < 40) {
                Thread.sleep(10);
            }
            stream.send(clip, 512, 40, 50);
            server.destroy();  // SIGTERM
            assertEquals(Status.Code.OK, stream.await().getCode());
            long lastAccepted = stream.responses.stream().filter(StreamResponse::hasDraining).findFirst()
                    .orElseThrow().getDraining().getLastAcceptedSequence();
            assertTrue(lastAccepted >= 39, "segments answered before the signal were accepted");
            assertEquals(lastAccepted + 1, stream.scores().size(), "every accepted segment is answered");
            List<Long> sequences = stream.scores().stream().map(r -> r.getScore().getSequence()).toList();
            assertEquals(LongStream.rangeClosed(0, lastAccepted).boxed().toList(), sequences, "once each, in order");
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server exits after draining");
            assertTrue(Files.readString(log).contains("drained cleanly"), Files.readString(log));
        } finally {
            channel.shutdownNow();
            server.destroyForcibly();
        }
    }

    private static void awaitServing(ManagedChannel channel, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                ScoringGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance());
                return;
            } catch (StatusRuntimeException e) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the server did not start:\n" + Files.readString(log), e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
