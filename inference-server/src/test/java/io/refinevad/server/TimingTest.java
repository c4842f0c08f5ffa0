package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Timing;
import io.refinevad.server.batching.NanoClock;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Timing.total_micros means the same in Score and StreamScores (scoring.proto): from the request's or message's
 * arrival to the answer, so it holds the decoding before the queue and the answer's assembly after the engine.
 * The server runs on a clock that moves one step on every reading, so each of those stages lasts at least a step.
 */
@QuarkusTest
@TestProfile(TimingTest.SteppingClockProfile.class)
class TimingTest {
    private static final long STEP_MICROS = 1000;
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void totalTimeRunsFromArrivalToAnswerInScoreAndInStreams() throws Exception {
        Timing clip = ScoringGrpc.newBlockingStub(channel).score(ScoreRequest.newBuilder()
                .setFeatures(Features.newBuilder().setSegments(3).setFeatureDim(512)
                        .setData(Float32Bytes.pack(CLIP, 0, 3 * 512))).build()).getTiming();
        assertCoversArrivalToAnswer(clip);

        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("timing")
                .send(CLIP, 512, 0, 3).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        List<Timing> segments = stream.scores().stream().map(r -> r.getScore().getTiming()).toList();
        assertFalse(segments.isEmpty());
        segments.forEach(TimingTest::assertCoversArrivalToAnswer);
    }

    private static void assertCoversArrivalToAnswer(Timing timing) {
        long beforeAndAfterTheEngine = 2 * STEP_MICROS;
        assertTrue(timing.getTotalMicros() >= timing.getQueueMicros() + timing.getInferenceMicros()
                + beforeAndAfterTheEngine, timing.toString());
    }

    public static class SteppingClockProfile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SteppingClock.class);
        }
    }

    /** Every reading is one step later than the one before, whichever thread reads it. */
    @Alternative
    @Singleton
    public static class SteppingClock implements NanoClock {
        private final AtomicLong now = new AtomicLong(System.nanoTime());

        @Override
        public long nanoTime() {
            return now.addAndGet(STEP_MICROS * 1000);
        }
    }
}
