package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.InferTensorContents;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ModelInferResponse;
import io.refinevad.api.oip.ModelMetadataRequest;
import io.refinevad.api.oip.ModelMetadataResponse;
import io.refinevad.api.oip.ModelReadyRequest;
import io.refinevad.api.oip.ServerLiveRequest;
import io.refinevad.api.oip.ServerReadyRequest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol as a standard client calls it: health, metadata, and ModelInfer on golden data. */
@QuarkusTest
class OpenInferenceProtocolTest {

    @GrpcClient("scoring")
    Channel channel;

    private GRPCInferenceServiceBlockingStub oip() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @Test
    void healthAndMetadataFollowTheSpecification() {
        assertTrue(oip().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(oip().serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(oip().modelReady(ModelReadyRequest.newBuilder().setName("refinevad").build()).getReady());
        assertEquals(false, oip().modelReady(ModelReadyRequest.newBuilder().setName("other").build()).getReady());
        ModelMetadataResponse metadata = oip().modelMetadata(ModelMetadataRequest.newBuilder()
                .setName("refinevad").build());
        assertEquals(List.of("x", "mask"), metadata.getInputsList().stream().map(t -> t.getName()).toList());
        assertEquals(List.of(-1L, -1L, 512L), metadata.getInputs(0).getShapeList());
        assertEquals(List.of(-1L, 13L), metadata.getOutputs(1).getShapeList());
        assertEquals(platform(), metadata.getPlatform());
    }

    /** The platform the served engine runs, in Triton's names. */
    protected String platform() {
        return "onnxruntime_onnx";
    }

    @Test
    void modelInferWithRawTensorsReproducesThePaddedGoldenBatch() {
        NpyFloatMatrix x = GoldenVectors.read("b3_t40_x");
        NpyFloatMatrix mask = GoldenVectors.read("b3_t40_mask");
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .setModelName("refinevad").setId("golden")
                .addInputs(input("x", x.shape()))
                .addInputs(input("mask", mask.shape()))
                .addRawInputContents(Float32Bytes.pack(x.values()))
                .addRawInputContents(Float32Bytes.pack(mask.values()))
                .build();
        ModelInferResponse response = oip().modelInfer(request);
        assertEquals("golden", response.getId());
        assertEquals(List.of(3L, 40L), response.getOutputs(0).getShapeList());
        assertClose(GoldenVectors.read("b3_t40_scores").values(),
                Float32Bytes.unpack(response.getRawOutputContents(0)));
        assertClose(GoldenVectors.read("b3_t40_probs").values(),
                Float32Bytes.unpack(response.getRawOutputContents(1)));
    }

    @Test
    void modelInferAcceptsFp32ContentsAndAnOmittedMask() {
        NpyFloatMatrix x = GoldenVectors.read("b2_t7_x");
        float[] firstRow = Arrays.copyOf(x.values(), 7 * 512);  // row 0 of b2_t7 has all 7 segments valid
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float v : firstRow) {
            contents.addFp32Contents(v);
        }
        ModelInferResponse response = oip().modelInfer(ModelInferRequest.newBuilder().setModelName("refinevad")
                .addInputs(input("x", new int[]{1, 7, 512}).toBuilder().setContents(contents))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("scores"))
                .build());
        assertEquals(1, response.getOutputsCount());
        assertClose(Arrays.copyOf(GoldenVectors.read("b2_t7_scores").values(), 7),
                Float32Bytes.unpack(response.getRawOutputContents(0)));
    }

    @Test
    void badRequestsAreNamed() {
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad").build(),
                "input 'x' (FP32 [batch, time, 512]) is required");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad")
                        .addInputs(input("x", new int[]{1, 2, 512}).toBuilder().setDatatype("FP16"))
                        .addRawInputContents(ByteString.copyFrom(new byte[2 * 512 * 2])).build(),
                "input 'x' has datatype FP16; this model takes FP32");
        float[] holes = {1, 0, 1};
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad")
                        .addInputs(input("x", new int[]{1, 3, 512})).addInputs(input("mask", new int[]{1, 3}))
                        .addRawInputContents(Float32Bytes.pack(new float[3 * 512]))
                        .addRawInputContents(Float32Bytes.pack(holes)).build(),
                "input 'mask' row 0 is not 1s followed by 0s");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> oip().modelInfer(
                ModelInferRequest.newBuilder().setModelName("resnet").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void requestsTheProtocolForbidsAreRefusedNamingTheTensorAsTritonDoes() {
        ModelInferRequest.InferInputTensor x = input("x", new int[]{1, 2, 512});
        ByteString raw = Float32Bytes.pack(new float[2 * 512]);
        InferTensorContents.Builder typed = InferTensorContents.newBuilder();
        for (int i = 0; i < 2 * 512; i++) {
            typed.addFp32Contents(0f);
        }
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad")
                        .addInputs(x.toBuilder().setContents(typed)).addRawInputContents(raw).build(),
                "input 'x' has both contents and raw_input_contents");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad")
                        .addInputs(x).addInputs(input("y", new int[]{1, 2})).addRawInputContents(raw)
                        .addRawInputContents(Float32Bytes.pack(new float[2])).build(),
                "unexpected inference input 'y' for model 'refinevad'");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad")
                        .addInputs(x).addInputs(x).addRawInputContents(raw).addRawInputContents(raw).build(),
                "input 'x' is given more than once");
        assertInvalid(ModelInferRequest.newBuilder().setModelName("refinevad").addInputs(x).addRawInputContents(raw)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logits"))
                        .build(),
                "unexpected inference output 'logits' for model 'refinevad'");
    }

    private void assertInvalid(ModelInferRequest request, String message) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> oip().modelInfer(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
    }

    private static ModelInferRequest.InferInputTensor input(String name, int[] shape) {
        ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name).setDatatype("FP32");
        Arrays.stream(shape).forEach(d -> t.addShape(d));
        return t.build();
    }

    private static void assertClose(float[] expected, float[] actual) {
        float diff = GoldenVectors.maxAbsDiff(expected, actual);
        assertTrue(diff < GoldenVectors.TOLERANCE, "differs by " + diff);
    }
}
