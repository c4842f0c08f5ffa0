package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.server.stream.StreamRegistry;
import io.refinevad.testsupport.TcpRelay;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A camera whose network path dies silently (no FIN, no RST: a relay that stops forwarding) has its slot released and
 * its id free by HTTP/2 keepalive, not by the idle timeout, which this server sets far beyond the test's patience:
 * only the server's ping that goes unanswered can end the call.
 */
@QuarkusTest
@TestProfile(KeepAliveTest.QuickKeepAliveSlowIdle.class)
class KeepAliveTest {
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();

    public static class QuickKeepAliveSlowIdle implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.keepalive.time", "1s", "refinevad.keepalive.timeout", "1s",
                    "refinevad.streams.idle-timeout", "1h");
        }
    }

    @Inject
    StreamRegistry registry;

    @Test
    void aCameraWhosePathDiesSilentlyIsReleasedByKeepalive() throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        try (TcpRelay relay = new TcpRelay(port)) {
            ManagedChannel throughRelay = NettyChannelBuilder.forAddress("localhost", relay.port()).usePlaintext()
                    .build();
            ManagedChannel direct = NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
            try {
                RecordingStream camera = new RecordingStream(ScoringGrpc.newStub(throughRelay)).open("cut-off")
                        .send(CLIP, 512, 0, 3);
                Awaitility.await("the camera's answers").atMost(Duration.ofSeconds(60))
                        .until(() -> camera.scores().size() == 3);

                relay.goSilent();
                Awaitility.await("keepalive to notice the dead path").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).until(() -> registry.activeStreams() == 0);

                RecordingStream again = new RecordingStream(ScoringGrpc.newStub(direct)).open("cut-off")
                        .send(CLIP, 512, 0, 1).finish();
                assertEquals(Status.Code.OK, again.await().getCode(), "the id is free again");
                assertEquals(1, again.scores().size());
            } finally {
                throughRelay.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                direct.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
