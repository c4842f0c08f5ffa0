package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged servers as processes: a camera streams through the first, which drains mid-stream; the client
 * continues on the second by itself. Every segment is answered once and every score equals the reference model's
 * causal-window score, including those right after the move (the client replays the window to the new server).
 */
class StreamMovesToAnotherServerIT {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final float TOLERANCE = 1e-4f;

    private final List<Server> servers = List.of(Server.start("first"), Server.start("second"));

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.process.destroyForcibly());
    }

    @Test
    void aDrainedServersStreamContinuesOnTheNextWithoutLosingOrChangingAScore() throws Exception {
        Server first = servers.get(0);
        Server second = servers.get(1);
        servers.forEach(Server::awaitServing);
        NpyFloatMatrix clip = NpyFloatMatrix.read(REPOSITORY.resolve("model/default/export/golden/stream_x.npy"));
        NpyFloatMatrix expected = NpyFloatMatrix.read(
                REPOSITORY.resolve("model/default/export/golden/stream_scores.npy"));
        int segments = clip.shape()[0];

        try (ScoringClient client = new ScoringClient(List.of(first.target(), second.target()))) {
            var result = client.stream("camera-1", clip.values(), segments, clip.shape()[1], 10);
            while (first.segmentsScored() < 10) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            first.drain();
            StreamResult streamed = result.get(2, TimeUnit.MINUTES);

            assertTrue(streamed.status().isOk(), streamed.status().toString());
            double firstScored = first.segmentsScored();
            assertTrue(firstScored >= 10 && firstScored < segments, "the first server scored " + firstScored);
            assertTrue(second.segmentsScored() > 0, "the second server scored nothing");
            for (int t = 0; t < segments; t++) {
                assertEquals(expected.values()[t], streamed.scores()[t], TOLERANCE, "segment " + t);
                assertTrue(streamed.latencyMicros()[t] > 0, "segment " + t + " has no answer time");
            }
        }
    }

    /** A packaged server with its own gRPC and HTTP ports; its log goes to target/. */
    private record Server(Process process, int grpcPort, int httpPort) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        static Server start(String name) {
            try {
                int grpcPort = freePort();
                int httpPort = freePort();
                Path log = Files.createDirectories(Path.of("target")).resolve("server-" + name + ".log");
                Process process = new ProcessBuilder("java", "-Dquarkus.grpc.server.port=" + grpcPort,
                        "-Dquarkus.http.port=" + httpPort, "-jar",
                        REPOSITORY.resolve("inference-server/target/quarkus-app/quarkus-run.jar").toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                return new Server(process, grpcPort, httpPort);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the packaged server (build it first)", e);
            }
        }

        String target() {
            return "localhost:" + grpcPort;
        }

        void awaitServing() {
            ManagedChannel channel = NettyChannelBuilder.forTarget(target()).usePlaintext().build();
            try {
                for (int attempt = 0; ; attempt++) {
                    try {
                        ScoringGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                                .getModelInfo(GetModelInfoRequest.getDefaultInstance());
                        return;
                    } catch (RuntimeException notYet) {
                        if (attempt == 240 || !process.isAlive()) {
                            throw new IllegalStateException("the server on " + target() + " did not start", notYet);
                        }
                        TimeUnit.MILLISECONDS.sleep(250);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                channel.shutdownNow();
            }
        }

        void drain() {
            ManagedChannel channel = NettyChannelBuilder.forTarget(target()).usePlaintext().build();
            try {
                ScoringGrpc.newBlockingStub(channel).drain(DrainRequest.getDefaultInstance());
            } finally {
                channel.shutdownNow();
            }
        }

        /** refinevad_segments_scored_total from the server's Prometheus metrics. */
        double segmentsScored() throws IOException, InterruptedException {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("refinevad_segments_scored_total"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no refinevad_segments_scored_total"));
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
