package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With the input range opened to all finite floats, 1e20 makes the real model's scores NaN: the server answers
 * INTERNAL with a message and an error id, logs that id once, and never answers OK with a NaN.
 */
@QuarkusTest
@TestProfile(NonFiniteOutputTest.AnyFiniteInput.class)
class NonFiniteOutputTest {
    private static final int DIM = 512;
    private static final int SEGMENTS = 4;
    private static final Pattern ERROR_ID = Pattern.compile("error id ([0-9a-f-]+)");

    public static class AnyFiniteInput implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.features.max-abs", String.valueOf(Float.MAX_VALUE));
        }
    }

    @GrpcClient("scoring")
    Channel channel;

    private final float[] huge = filled(1e20f);

    @Test
    void score() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ScoringGrpc.newBlockingStub(channel)
                .score(ScoreRequest.newBuilder().setFeatures(Features.newBuilder().setSegments(SEGMENTS)
                        .setFeatureDim(DIM).setData(Float32Bytes.pack(huge))).build()));
        assertNonFiniteOutputReported(e.getStatus());
    }

    @Test
    void streamScores() throws Exception {
        LogCapture log = LogCapture.start();
        Status status;
        try {
            status = new RecordingStream(ScoringGrpc.newStub(channel)).open("huge").send(huge, DIM, 0, SEGMENTS)
                    .finish().await();
        } finally {
            log.stop();
        }
        assertNonFiniteOutputReported(status);
        Matcher id = ERROR_ID.matcher(status.getDescription());
        assertTrue(id.find());
        assertEquals(1, log.mentioning(id.group(1)).size(), "the error is logged once, under the id the client got");
    }

    @Test
    void modelInfer() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("refinevad")
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                                .addShape(1).addShape(SEGMENTS).addShape(DIM))
                        .addRawInputContents(Float32Bytes.pack(huge)).build()));
        assertNonFiniteOutputReported(e.getStatus());
    }

    private static void assertNonFiniteOutputReported(Status status) {
        assertEquals(Status.Code.INTERNAL, status.getCode(), status.toString());
        assertTrue(status.getDescription().startsWith(
                "the model produced a non-finite score or probability for this input (error id "),
                status.getDescription());
    }

    private static float[] filled(float value) {
        float[] values = new float[SEGMENTS * DIM];
        Arrays.fill(values, value);
        return values;
    }
}
