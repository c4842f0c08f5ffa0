package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feature values the model's float32 arithmetic cannot take (from about 1.8e19 every score would be NaN) are refused
 * on every scoring RPC, naming the first one and the allowed range; values up to the range's edge score finite.
 */
@QuarkusTest
class FeatureRangeTest {
    private static final int DIM = 512;
    private static final int SEGMENTS = 8;
    private static final String ALLOWED = "within ±1000000.0 (refinevad.features.max-abs)";

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void valuesAtTheEdgeOfTheRangeScoreFinite() {
        Random random = new Random(7);
        float[] clip = new float[SEGMENTS * DIM];
        for (int i = 0; i < clip.length; i++) {
            clip[i] = random.nextBoolean() ? 1e6f : -1e6f;
        }
        ScoreResponse response = ScoringGrpc.newBlockingStub(channel).score(score(clip));
        response.getScoresList().forEach(s -> assertTrue(s >= 0 && s <= 1, "score " + s));
        response.getCategoriesList().forEach(c -> assertTrue(Float.isFinite(c.getProbability()), c.toString()));
    }

    @Test
    void oneValueOutsideTheRangeIsRefusedByScoreStreamScoresAndModelInfer() throws Exception {
        for (float bad : new float[]{Float.MAX_VALUE, 1.8e19f, -1.0000001e6f, Float.NaN, Float.NEGATIVE_INFINITY}) {
            float[] clip = Arrays.copyOf(GoldenVectors.read("stream_x").values(), SEGMENTS * DIM);
            clip[3 * DIM + 17] = bad;

            StatusRuntimeException score = assertThrows(StatusRuntimeException.class,
                    () -> ScoringGrpc.newBlockingStub(channel).score(score(clip)));
            assertRefused(score.getStatus(), "features.data holds " + bad + " at segment 3, feature 17");

            RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("out-of-range")
                    .send(clip, DIM, 0, SEGMENTS);
            assertRefused(stream.await(), "segments.features.data holds " + bad + " at segment 3, feature 17");

            StatusRuntimeException infer = assertThrows(StatusRuntimeException.class,
                    () -> GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(ModelInferRequest.newBuilder()
                            .setModelName("refinevad")
                            .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x")
                                    .setDatatype("FP32").addShape(1).addShape(SEGMENTS).addShape(DIM))
                            .addRawInputContents(Float32Bytes.pack(clip)).build()));
            assertRefused(infer.getStatus(), "input 'x' holds " + bad + " at [0, 3, 17]");
        }
    }

    private static void assertRefused(Status status, String where) {
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertTrue(status.getDescription().contains(where), status.getDescription());
        assertTrue(status.getDescription().contains(ALLOWED), status.getDescription());
    }

    private static ScoreRequest score(float[] clip) {
        return ScoreRequest.newBuilder().setFeatures(Features.newBuilder().setSegments(clip.length / DIM)
                .setFeatureDim(DIM).setData(Float32Bytes.pack(clip))).build();
    }
}
