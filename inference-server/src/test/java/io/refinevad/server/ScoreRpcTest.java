package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.Arrays;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Score and GetModelInfo over a real gRPC channel to the server running the embedded default model. */
@QuarkusTest
class ScoreRpcTest {
    private static final int DIM = 512;

    @GrpcClient("scoring")
    ScoringGrpc.ScoringBlockingStub scoring;

    @Test
    void modelInfoDescribesTheEmbeddedDefaultModel() {
        ModelInfo info = scoring.getModelInfo(GetModelInfoRequest.getDefaultInstance());
        assertEquals("refinevad", info.getName());
        assertEquals(DIM, info.getFeatureDim());
        assertEquals(13, info.getCategoriesCount());
        assertEquals("OnnxRuntime", info.getEngine());
        assertEquals(64, info.getSha256().length());
        assertEquals(DefaultModelManifest.alarms(), info.getAlarms());  // no deployment threshold: the manifest's
    }

    @Test
    void aWholeClipScoresLikeThePyTorchReference() {
        // Row 0 of the b3_t40 golden case is a full 40-segment clip (no padding).
        NpyFloatMatrix x = GoldenVectors.read("b3_t40_x");
        int time = x.shape()[1];
        float[] clip = Arrays.copyOf(x.values(), time * DIM);
        float[] expectedScores = Arrays.copyOf(GoldenVectors.read("b3_t40_scores").values(), time);
        float[] expectedProbs = Arrays.copyOf(GoldenVectors.read("b3_t40_probs").values(), 13);

        ScoreResponse response = scoring.score(request(time, DIM, Float32Bytes.pack(clip)));

        assertEquals(time, response.getScoresCount());
        float[] scores = new float[time];
        for (int i = 0; i < time; i++) {
            scores[i] = response.getScores(i);
        }
        float[] probs = new float[13];
        for (int i = 0; i < 13; i++) {
            probs[i] = response.getCategories(i).getProbability();
        }
        assertTrue(GoldenVectors.maxAbsDiff(expectedScores, scores) < GoldenVectors.TOLERANCE);
        assertTrue(GoldenVectors.maxAbsDiff(expectedProbs, probs) < GoldenVectors.TOLERANCE);
        assertEquals("Abuse", response.getCategories(0).getCategory());
        assertEquals("refinevad", response.getModelName());
        assertTrue(response.getTiming().getTotalMicros() >= response.getTiming().getInferenceMicros());
    }

    @Test
    void theLongestClipTheLimitsAllowCanBeSent() {
        // 4096 x 512 float32 values are 8 MiB: twice gRPC's default inbound limit, which refused them.
        int longest = ConfigProvider.getConfig().getValue("refinevad.clips.max-segments", Integer.class);
        ScoreResponse response = scoring.score(request(longest, DIM, Float32Bytes.pack(new float[longest * DIM])));
        assertEquals(longest, response.getScoresCount());
    }

    @Test
    void aWrongFeatureDimNamesTheFieldAndTheModelsDim() {
        assertInvalid(request(2, 256, Float32Bytes.pack(new float[2 * 256])),
                "features.feature_dim is 256; this model takes 512");
    }

    @Test
    void aByteLengthThatIsNotSegmentsTimesDimTimesFourIsRefused() {
        assertInvalid(request(2, DIM, ByteString.copyFrom(new byte[100])),
                "features.data has 100 bytes; expected segments x feature_dim x 4 = 2 x 512 x 4 = 4096");
    }

    @Test
    void nanFeaturesAreRefusedWithTheirPosition() {
        float[] clip = new float[3 * DIM];
        clip[DIM + 7] = Float.NaN;
        assertInvalid(request(3, DIM, Float32Bytes.pack(clip)), "features.data holds NaN at segment 1, feature 7");
    }

    @Test
    void uint32FieldsAreReadAndPrintedUnsigned() {
        assertInvalid(request(-1, DIM, ByteString.EMPTY), "features.segments is 4294967295; allowed: 1 to 4096");
        assertInvalid(request(2, Integer.MIN_VALUE, ByteString.EMPTY),
                "features.feature_dim is 2147483648; this model takes 512");
    }

    @Test
    void emptyAndOverLongClipsAreRefusedWithTheAllowedRange() {
        assertInvalid(request(0, DIM, ByteString.EMPTY), "features.segments is 0; allowed: 1 to 4096");
        assertInvalid(request(5000, DIM, ByteString.EMPTY), "features.segments is 5000; allowed: 1 to 4096");
    }

    @Test
    void missingFeaturesAndUnknownModelsAreExplained() {
        assertInvalid(ScoreRequest.getDefaultInstance(), "features is required");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> scoring.score(request(1, DIM, Float32Bytes.pack(new float[DIM])).toBuilder().setModel("other").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("this server serves 'refinevad'"));
    }

    private void assertInvalid(ScoreRequest request, String message) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> scoring.score(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
    }

    private static ScoreRequest request(int segments, int dim, ByteString data) {
        return ScoreRequest.newBuilder()
                .setFeatures(Features.newBuilder().setSegments(segments).setFeatureDim(dim).setData(data))
                .build();
    }

}
