package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", 9001).usePlaintext()
                .flowControlWindow(1024).build();
        LogCapture log = LogCapture.start();
        try {
            SilentClient client = new SilentClient();
            StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(channel).streamScores(client);
            requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId("gone")).build());
            for (int first = 0; first < SEGMENTS; first += 32) {
                requests.onNext(segments(first, 32));
            }
            while (ScrapedMetrics.value(PRODUCED) < producedBefore + SEGMENTS) {
                Thread.sleep(20);  // until every answer is scored and waiting for the client
            }
            client.call.cancel("the camera went away", null);
            assertEquals(Status.Code.CANCELLED, client.ended.get(30, TimeUnit.SECONDS).getCode());
            while (ScrapedMetrics.value("refinevad_active_streams") > 0) {
                Thread.sleep(20);
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            log.stop();
        }
        assertTrue(ScrapedMetrics.value(DROPPED) > droppedBefore, "the undelivered answers are counted");
        List<LogRecord> loud = log.records.stream()
                .filter(r -> r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertTrue(loud.isEmpty(), () -> "logged for a client that went away: " + loud.get(0).getLevel() + " "
                + loud.get(0).getLoggerName() + " " + loud.get(0).getMessage() + " " + loud.get(0).getThrown());
    }

    private static StreamRequest segments(long firstSequence, int count) {
        return StreamRequest.newBuilder().setSegments(Segments.newBuilder().setFirstSequence(firstSequence)
                .setFeatures(Features.newBuilder().setSegments(count).setFeatureDim(DIM)
                        .setData(Float32Bytes.pack(CLIP, 0, count * DIM)))).build();
    }

    /** Asks for no answers at all, so the server's answers stay in flight until the call is cancelled. */
    private static final class SilentClient implements ClientResponseObserver<StreamRequest, StreamResponse> {
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        ClientCallStreamObserver<StreamRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<StreamRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(StreamResponse response) {
        }

        @Override
        public void onError(Throwable error) {
            ended.complete(Status.fromThrowable(error));
        }

        @Override
        public void onCompleted() {
            ended.complete(Status.OK);
        }
    }

    /** Every record logged in this JVM while it runs, as the server's log handlers see them. */
    private static final class LogCapture extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        static LogCapture start() {
            LogCapture capture = new LogCapture();
            capture.setLevel(Level.ALL);
            Logger.getLogger("").addHandler(capture);
            return capture;
        }

        void stop() {
            Logger.getLogger("").removeHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
