package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request past the attention budget of one request gets RESOURCE_EXHAUSTED naming the limit and its property,
 * through Score and through ModelInfer (where the budget covers all the request's rows together), and a request
 * within it is scored.
 */
@QuarkusTest
@TestProfile(BatchingBudgetRpcTest.SmallRequests.class)
class BatchingBudgetRpcTest {
    private static final int DIM = 512;
    /** A request may bring one clip of 100 segments. */
    private static final int LIMIT = 100 * 100;

    public static class SmallRequests implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.batching.max-request-attention", String.valueOf(LIMIT));
        }
    }

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void aClipPastTheRequestBudgetIsRefusedWithTheLimit() {
        assertEquals(100, ScoringGrpc.newBlockingStub(channel).score(clip(100)).getScoresCount());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> ScoringGrpc.newBlockingStub(channel).score(clip(101)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
        assertEquals("this request's attention cost is 10201 (the sum of each clip's segments^2); one request may"
                + " bring at most 10000 (refinevad.batching.max-request-attention): send shorter clips, or fewer in"
                + " one request", refused.getStatus().getDescription());
    }

    @Test
    void aModelInferBatchWhoseRowsTogetherPassTheRequestBudgetIsRefusedWithTheLimit() {
        int rows = 2;
        int time = 80;
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("refinevad")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32")
                        .addShape(rows).addShape(time).addShape(DIM))
                .addRawInputContents(Float32Bytes.pack(new float[rows * time * DIM]))
                .build();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> GRPCInferenceServiceGrpc.newBlockingStub(channel).modelInfer(request));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
        assertEquals("this request's attention cost is 12800 (the sum of each clip's segments^2); one request may"
                + " bring at most 10000 (refinevad.batching.max-request-attention): send shorter clips, or fewer in"
                + " one request", refused.getStatus().getDescription());
    }

    private static ScoreRequest clip(int segments) {
        return ScoreRequest.newBuilder().setFeatures(Features.newBuilder().setSegments(segments).setFeatureDim(DIM)
                .setData(Float32Bytes.pack(new float[segments * DIM]))).build();
    }
}
