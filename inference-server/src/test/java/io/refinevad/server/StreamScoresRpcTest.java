package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.SegmentScore;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StreamScores over a real gRPC channel, against the causal-window reference of refinevad.inference. */
@QuarkusTest
class StreamScoresRpcTest {
    private static final int DIM = 512;
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");
    private static final float[] EXPECTED = GoldenVectors.read("stream_scores").values();
    private static final float[] EXPECTED_EVIDENCE = GoldenVectors.read("stream_evidence").values();
    private static final int SEGMENTS = CLIP.shape()[0];

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void everySegmentIsAnsweredOnceInOrderWithTheReferenceScore() throws Exception {
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("camera-1");
        int[] cuts = {0, 1, 6, 7, 40, 41, SEGMENTS};  // messages of 1, 5, 1, 33, 1 and the rest
        for (int i = 0; i + 1 < cuts.length; i++) {
            stream.send(CLIP.values(), DIM, cuts[i], cuts[i + 1]);
        }
        assertEquals(Status.Code.OK, stream.finish().await().getCode());
        StreamResponse opened = stream.responses.get(0);
        assertTrue(opened.hasOpened());
        assertEquals(32, opened.getOpened().getWindow());
        assertEquals(DefaultModelManifest.alarms(), opened.getOpened().getAlarms());
        assertMatchesReference(stream.scores());
    }

    @Test
    void concurrentStreamsAreBatchedTogetherWithoutChangingAnyAnswer() throws Exception {
        List<RecordingStream> streams = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            streams.add(new RecordingStream(ScoringGrpc.newStub(channel)).open("concurrent-" + s));
        }
        for (int start = 0; start < SEGMENTS; start += 8) {
            for (RecordingStream stream : streams) {
                stream.send(CLIP.values(), DIM, start, Math.min(start + 8, SEGMENTS));
            }
        }
        streams.forEach(RecordingStream::finish);
        int largestBatch = 0;
        for (RecordingStream stream : streams) {
            assertEquals(Status.Code.OK, stream.await().getCode());
            assertMatchesReference(stream.scores());
            largestBatch = Math.max(largestBatch, stream.scores().stream()
                    .mapToInt(r -> r.getScore().getTiming().getBatchSize()).max().orElse(0));
        }
        assertTrue(largestBatch > 1, "windows of different streams should share batches");
    }

    @Test
    void aSequenceGapEndsOnlyThatStreamAfterAnsweringWhatItAccepted() throws Exception {
        RecordingStream good = new RecordingStream(ScoringGrpc.newStub(channel)).open("good");
        RecordingStream bad = new RecordingStream(ScoringGrpc.newStub(channel)).open("bad");
        bad.send(CLIP.values(), DIM, 0, 10).sendAs(11, CLIP.values(), DIM, 10, 12);
        good.send(CLIP.values(), DIM, 0, SEGMENTS).finish();
        Status status = bad.await();
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals("segments.first_sequence is 11; expected 10 (sequence numbers continue without gaps or "
                + "repeats)", status.getDescription());
        assertEquals(10, bad.scores().size(), "the 10 accepted segments are still answered");
        assertEquals(Status.Code.OK, good.await().getCode());
        assertMatchesReference(good.scores());
    }

    @Test
    void sequenceNumbersAreUint64AndPrintedSo() throws Exception {
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("unsigned")
                .sendAs(-1L, CLIP.values(), DIM, 0, 1);
        assertEquals("segments.first_sequence is 18446744073709551615; expected 0 (sequence numbers continue without "
                + "gaps or repeats)", stream.await().getDescription());
    }

    @Test
    void protocolMistakesAreNamed() throws Exception {
        RecordingStream twice = new RecordingStream(ScoringGrpc.newStub(channel)).open("twice").open("twice");
        assertEquals("the stream is already open; send OpenStream once, as the first message",
                twice.await().getDescription());
        RecordingStream unopened = new RecordingStream(ScoringGrpc.newStub(channel)).send(CLIP.values(), DIM, 0, 1);
        assertEquals("the first message must open the stream (open.stream_id) before segments arrive",
                unopened.await().getDescription());
        RecordingStream wrongDim = new RecordingStream(ScoringGrpc.newStub(channel)).open("dim").send(new float[64], 64, 0, 1);
        assertEquals("segments.features.feature_dim is 64; this model takes 512", wrongDim.await().getDescription());
    }

    private static void assertMatchesReference(List<StreamResponse> answers) {
        assertEquals(SEGMENTS, answers.size());
        int categories = EXPECTED_EVIDENCE.length / SEGMENTS;
        for (int i = 0; i < SEGMENTS; i++) {
            SegmentScore score = answers.get(i).getScore();
            assertEquals(i, score.getSequence());
            assertEquals(EXPECTED[i], score.getScore(), GoldenVectors.TOLERANCE, "segment " + i);
            for (int c = 0; c < categories; c++) {
                assertEquals(EXPECTED_EVIDENCE[i * categories + c], score.getCategoryEvidence(c),
                        GoldenVectors.TOLERANCE, "segment " + i + " category " + c);
            }
        }
    }
}
