package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.EventEndReason;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamDraining;
import io.refinevad.api.v1.StreamResponse;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A server with room for two streams: the capacity limit, the load report, then a drain under load that turns the
 * standard gRPC health check to NOT_SERVING.
 */
@QuarkusTest
@TestProfile(CapacityAndDrainRpcTest.TwoStreams.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CapacityAndDrainRpcTest {
    private static final int DIM = 512;
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");

    public static class TwoStreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.streams.capacity", "2");
        }
    }

    @GrpcClient("scoring")
    Channel channel;

    @GrpcClient("admin")
    AdminGrpc.AdminBlockingStub admin;

    @Test
    @Order(1)
    void aStreamBeyondCapacityIsRefusedWithTheLimit() throws Exception {
        RecordingStream first = new RecordingStream(ScoringGrpc.newStub(channel)).open("a");
        RecordingStream second = new RecordingStream(ScoringGrpc.newStub(channel)).open("b");
        waitForActiveStreams(2);
        LoadReport report = admin.getLoadReport(GetLoadReportRequest.getDefaultInstance());
        assertEquals(2, report.getStreamCapacity());
        Status third = new RecordingStream(ScoringGrpc.newStub(channel)).open("c").await();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, third.getCode());
        assertTrue(third.getDescription().contains("capacity of 2 streams"), third.getDescription());
        first.finish().await();
        second.finish().await();
        waitForActiveStreams(0);
    }

    @Test
    @Order(2)
    void drainRefusesNewStreamsAndHandsOpenOnesBackWithEveryAcceptedSegmentAnswered() throws Exception {
        RecordingStream open = new RecordingStream(ScoringGrpc.newStub(channel)).open("draining")
                .send(CLIP.values(), DIM, 0, 20);
        RecordingStream empty = new RecordingStream(ScoringGrpc.newStub(channel)).open("empty");
        waitForActiveStreams(2);
        assertEquals(ServingStatus.SERVING, health());
        admin.drain(DrainRequest.getDefaultInstance());
        assertEquals(ServingStatus.NOT_SERVING, health());
        assertEquals(Status.Code.OK, open.await().getCode());
        StreamDraining draining = open.responses.stream().filter(StreamResponse::hasDraining).findFirst()
                .orElseThrow().getDraining();
        assertEquals(19, draining.getLastAcceptedSequence());
        assertFalse(draining.getNoneAccepted());
        assertEquals(Status.Code.OK, empty.await().getCode());
        StreamDraining none = empty.responses.stream().filter(StreamResponse::hasDraining).findFirst()
                .orElseThrow().getDraining();
        assertTrue(none.getNoneAccepted(), "a stream that accepted nothing says so");
        assertEquals(0, none.getLastAcceptedSequence() + 1, "and last_accepted_sequence + 1 is still where to resume");
        assertEquals(20, open.scores().size(), "every accepted segment is answered before the call ends");
        AnomalyEvent moved = open.responses.get(open.responses.size() - 1).getEvent();
        assertEquals(EventEndReason.EVENT_END_REASON_STREAM_MOVED, moved.getEndReason(),
                "the anomaly open at the drain (segments 9 on score about 1) ends last, saying the stream moved");
        assertEquals(19, moved.getLastSequence());
        Status refused = new RecordingStream(ScoringGrpc.newStub(channel)).open("late").await();
        assertEquals(Status.Code.UNAVAILABLE, refused.getCode());
        assertTrue(refused.getDescription().contains("draining"), refused.getDescription());
        assertTrue(admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining());
    }

    private ServingStatus health() {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    private void waitForActiveStreams(int expected) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getActiveStreams() == expected) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("active streams never reached " + expected);
    }
}
