package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A silent camera's stream is ended after the idle timeout, with every accepted segment answered first. */
@QuarkusTest
@TestProfile(IdleStreamTest.ShortIdleTimeout.class)
class IdleStreamTest {

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.streams.idle-timeout", "400ms");
        }
    }

    @GrpcClient("scoring")
    Channel channel;

    @GrpcClient("admin")
    Channel admin;

    @Test
    void aSilentStreamEndsWithDeadlineExceededAndFreesItsSlot() throws Exception {
        float[] clip = GoldenVectors.read("stream_x").values();
        RecordingStream silent = new RecordingStream(ScoringGrpc.newStub(channel)).open("silent")
                .send(clip, 512, 0, 3);
        Status status = silent.await();
        assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
        assertTrue(status.getDescription().contains("sent nothing for 400 ms"), status.getDescription());
        assertEquals(3, silent.scores().size());
        assertEquals(0, AdminGrpc.newBlockingStub(admin).getLoadReport(GetLoadReportRequest.getDefaultInstance())
                .getActiveStreams());
    }
}
