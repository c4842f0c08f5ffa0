package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.testsupport.PackagedScoringServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private static final Path REPOSITORY = Path.of(System.getProperty("refinevad.repository", "../.."))
            .toAbsolutePath().normalize();
    private static final float TOLERANCE = 1e-4f;

    private final List<PackagedScoringServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (PackagedScoringServer server : servers) {
            server.close();
        }
    }

    @Test
    void aDrainedServersStreamContinuesOnTheNextWithoutLosingOrChangingAScore() throws Exception {
        PackagedScoringServer first = start("first");
        PackagedScoringServer second = start("second");
        NpyFloatMatrix clip = NpyFloatMatrix.read(REPOSITORY.resolve("model/default/export/golden/stream_x.npy"));
        NpyFloatMatrix expected = NpyFloatMatrix.read(
                REPOSITORY.resolve("model/default/export/golden/stream_scores.npy"));
        int segments = clip.shape()[0];

        try (ScoringClient client = new ScoringClient(List.of(first.target(), second.target()))) {
            var result = client.stream("camera-1", clip.values(), segments, clip.shape()[1], 10);
            while (segmentsScored(first) < 10) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            AdminGrpc.newBlockingStub(first.adminChannel()).drain(DrainRequest.getDefaultInstance());
            StreamResult streamed = result.get(2, TimeUnit.MINUTES);

            assertTrue(streamed.status().isOk(), streamed.status().toString());
            double firstScored = segmentsScored(first);
            assertTrue(firstScored >= 10 && firstScored < segments, "the first server scored " + firstScored);
            assertTrue(segmentsScored(second) > 0, "the second server scored nothing");
            for (int t = 0; t < segments; t++) {
                assertEquals(expected.values()[t], streamed.scores()[t], TOLERANCE, "segment " + t);
                assertTrue(streamed.latencyMicros()[t] > 0, "segment " + t + " has no answer time");
            }
        }
    }

    private PackagedScoringServer start(String name) throws IOException, InterruptedException {
        PackagedScoringServer server = PackagedScoringServer.start(
                REPOSITORY.resolve("inference-server/target/quarkus-app/quarkus-run.jar"),
                Path.of("target", "server-" + name + ".log").toAbsolutePath());
        servers.add(server);
        return server;
    }

    /** refinevad_segments_scored_total from the server's Prometheus metrics. */
    private static double segmentsScored(PackagedScoringServer server) throws IOException, InterruptedException {
        return server.metric("refinevad_segments_scored_total");
    }
}
