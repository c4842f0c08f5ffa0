package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away while its answers are in flight is normal: the server counts the answers it could not
 * deliver and does not log a stack trace for them.
 */
@QuarkusTest
class ClientGoneTest {
    private static final int DIM = 512;
    private static final int SEGMENTS = 768;
    private static final String DROPPED = "refinevad_answers_dropped_total{reason=\"client_gone\"}";
    /** Counts every scored job, delivered or not. */
    private static final String PRODUCED = "refinevad_total_time_seconds_count";
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();

    @Test
    void answersToACancelledStreamAreCountedNotLogged() throws Exception {
        double droppedBefore = ScrapedMetrics.value(DROPPED);
        double producedBefore = ScrapedMetrics.value(PRODUCED);
        // A small flow-control window that the client never reopens: the server's answers back up behind it.
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext()
                .flowControlWindow(1024).build();
        LogCapture log = LogCapture.start();
        try {
            RecordingStream stream = RecordingStream.readingOnlyTheFirstResponse(ScoringGrpc.newStub(channel))
                    .open("gone");
            for (int first = 0; first < SEGMENTS; first += 32) {
                stream.sendAs(first, CLIP, DIM, 0, 32);
            }
            while (ScrapedMetrics.value(PRODUCED) < producedBefore + SEGMENTS) {
                Thread.sleep(20);  // until every answer is scored and waiting for the client
            }
            assertEquals(Status.Code.CANCELLED, stream.cancel().await().getCode());
            while (ScrapedMetrics.value("refinevad_active_streams") > 0) {
                Thread.sleep(20);
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            log.stop();
        }
        assertTrue(ScrapedMetrics.value(DROPPED) > droppedBefore, "the undelivered answers are counted");
        List<LogRecord> loud = log.loud();
        assertTrue(loud.isEmpty(), () -> "logged for a client that went away: " + LogCapture.describe(loud));
    }
}
