package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.testsupport.PackagedScoringServer;
import io.refinevad.testsupport.TcpRelay;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A camera loses its network path mid-stream; the server has not noticed (its side of the connection stays open
 * and silent). The client reconnects to the same packaged server with its resume token, takes its session over
 * (the old call ends ABORTED, counted in refinevad_rejections_total) instead of being refused ALREADY_EXISTS until
 * the idle timeout, and every segment is answered once with the reference model's causal-window score.
 */
class CameraTakesItsStreamOverIT {
    private static final Path REPOSITORY = Path.of(System.getProperty("refinevad.repository", "../.."))
            .toAbsolutePath().normalize();
    private static final float TOLERANCE = 1e-4f;
    private static final String ABORTED = "refinevad_rejections_total{reason=\"aborted\"}";

    @Test
    void aCameraThatLostItsPathTakesItsSessionOverWithItsToken() throws Exception {
        NpyFloatMatrix clip = NpyFloatMatrix.read(REPOSITORY.resolve("model/default/export/golden/stream_x.npy"));
        float[] expected = NpyFloatMatrix.read(REPOSITORY.resolve("model/default/export/golden/stream_scores.npy"))
                .values();
        int segments = clip.shape()[0];
        // The idle timeout is far beyond the test's patience: only a takeover lets the camera back in.
        try (PackagedScoringServer server = PackagedScoringServer.start(
                REPOSITORY.resolve("inference-server/target/quarkus-app/quarkus-run.jar"),
                Path.of("target", "server-takeover.log").toAbsolutePath(), "refinevad.streams.idle-timeout=1h");
             TcpRelay relay = new TcpRelay(server.grpcPort());
             ScoringClient client = new ScoringClient(List.of(relay.target()))) {
            var result = client.stream("camera-1", clip.values(), segments, clip.shape()[1], 20);
            while (server.metric("refinevad_segments_scored_total") < 40) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            relay.cutClientSides();
            StreamResult streamed = result.get(2, TimeUnit.MINUTES);

            assertTrue(streamed.status().isOk(), streamed.status().toString());
            assertEquals(1.0, server.metric(ABORTED), "the old call was taken over, once");
            for (int t = 0; t < segments; t++) {
                assertEquals(expected[t], streamed.scores()[t], TOLERANCE, "segment " + t);
                assertTrue(streamed.latencyMicros()[t] > 0, "segment " + t + " has no answer time");
            }
        }
    }
}
