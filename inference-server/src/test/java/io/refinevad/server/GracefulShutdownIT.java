package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.testsupport.PackagedScoringServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the packaged server, as Kubernetes sends it to a pod being removed: the open stream is handed back
 * with every accepted segment answered, and the process exits well within the drain timeout; meanwhile the admin
 * plane still answers, and refuses to undo that drain.
 */
class GracefulShutdownIT {
    static final Path PACKAGED_JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void sigtermHandsStreamsBackWithoutLosingAcceptedSegments() throws Exception {
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                Path.of("target/graceful-shutdown-server.log"), "refinevad.drain.timeout=20s")) {
            float[] clip = GoldenVectors.read("stream_x").values();
            RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(server.channel())).open("camera")
                    .send(clip, 512, 0, 40);
            while (stream.scores().size() < 40) {
                Thread.sleep(10);
            }
            stream.send(clip, 512, 40, 50);
            server.process().destroy();  // SIGTERM
            assertEquals(Status.Code.OK, stream.await().getCode());
            long lastAccepted = stream.responses.stream().filter(StreamResponse::hasDraining).findFirst()
                    .orElseThrow().getDraining().getLastAcceptedSequence();
            assertTrue(lastAccepted >= 39, "segments answered before the signal were accepted");
            assertEquals(lastAccepted + 1, stream.scores().size(), "every accepted segment is answered");
            List<Long> sequences = stream.scores().stream().map(r -> r.getScore().getSequence()).toList();
            assertEquals(LongStream.rangeClosed(0, lastAccepted).boxed().toList(), sequences, "once each, in order");
            assertTrue(server.process().waitFor(20, TimeUnit.SECONDS), "the server exits after draining");
            assertTrue(server.log().contains("drained cleanly"), server.log());
        }
    }

    @Test
    void anUndrainDuringTheShutdownDrainIsRefused() throws Exception {
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                Path.of("target/undrain-during-shutdown-server.log"), "refinevad.drain.timeout=60s",
                "refinevad.streams.idle-timeout=60s")) {
            // A camera that reads none of its answers, on a tiny flow-control window: more answers than the
            // transport buffers (about 100 bytes each, 32 KiB) wait for it, so its call cannot end before the idle
            // timeout, and the shutdown drain stays open while the test tries to undo it.
            ManagedChannel tight = NettyChannelBuilder.forAddress("localhost", server.grpcPort()).usePlaintext()
                    .flowControlWindow(1024).build();
            try {
                float[] clip = GoldenVectors.read("stream_x").values();
                RecordingStream stuck = RecordingStream.readingOnlyTheFirstResponse(ScoringGrpc.newStub(tight))
                        .open("stuck");
                int messages = 20;
                for (int i = 0; i < messages; i++) {
                    stuck.sendAs(40L * i, clip, 512, 0, 40);
                }
                AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(server.adminChannel());
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> admin.getLoadReport(
                        GetLoadReportRequest.getDefaultInstance()).getSegmentsScored() == 40L * messages);
                server.process().destroy();  // SIGTERM
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining());

                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                        () -> admin.undrain(UndrainRequest.getDefaultInstance()));
                assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("shutting down"), refused.getMessage());
                assertTrue(admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining(),
                        "still draining");
                stuck.cancel();
            } finally {
                tight.shutdownNow();
            }
            assertTrue(server.process().waitFor(60, TimeUnit.SECONDS), "the server exits once the drain ends");
        }
    }
}
