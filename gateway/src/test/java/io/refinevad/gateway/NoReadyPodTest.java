package io.refinevad.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose only pod does not answer: nothing can be placed, and callers are told for which detector; the
 * gateway stays live and ready all the same, so that its Service keeps sending cameras to be told so.
 */
@QuarkusTest
@TestProfile(NoReadyPodTest.UnreachablePod.class)
class NoReadyPodTest {

    public static class UnreachablePod implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // port 1 on this host: nothing listens, so the load report fails and the pod is never placeable.
            return Map.of("refinevad.gateway.pods.static", "localhost:1:1", "refinevad.gateway.detector", "parking");
        }
    }

    @Test
    void liveAndReadyWithoutAReadyPod() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String probe : List.of("live", "ready")) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:8091/q/health/" + probe)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), probe + ": " + health.body());
            assertTrue(health.body().contains("\"status\": \"UP\""), probe + ": " + health.body());
        }
    }

    @Test
    void streamsAndRequestsGetUnavailableNamingTheDetector() throws Exception {
        ManagedChannel gateway = ManagedChannelBuilder.forAddress("localhost", 9011).usePlaintext().build();
        try {
            Camera camera = new Camera();
            ScoringGrpc.newStub(gateway).streamScores(camera).onNext(StreamRequest.newBuilder()
                    .setOpen(OpenStream.newBuilder().setStreamId("gate-1")).build());
            Status stream = camera.ended.get(1, TimeUnit.MINUTES);
            assertEquals(Status.Code.UNAVAILABLE, stream.getCode());
            assertEquals("no ready scoring pod for detector parking", stream.getDescription());

            StatusRuntimeException info = assertThrows(StatusRuntimeException.class, () -> ScoringGrpc
                    .newBlockingStub(gateway).getModelInfo(GetModelInfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, info.getStatus().getCode());
            assertEquals("no ready scoring pod for detector parking", info.getStatus().getDescription());
        } finally {
            gateway.shutdownNow();
        }
    }
}
