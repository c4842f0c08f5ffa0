package io.refinevad.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.refinevad.api.oip.GrpcPredictV2;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ModelInferResponse;
import io.refinevad.api.v1.ScoringProto;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Names and field numbers are the wire contract: standard Open Inference Protocol clients and our own deployed
 * clients depend on them, so a renamed or renumbered field must fail the build rather than a customer's call.
 */
class WireContractTest {

    @Test
    void openInferenceProtocolServiceHasTheSpecifiedNameAndMethods() {
        ServiceDescriptor service = GrpcPredictV2.getDescriptor().findServiceByName("GRPCInferenceService");
        assertEquals("inference.GRPCInferenceService", service.getFullName());
        assertEquals(List.of("ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata",
                "ModelInfer"), service.getMethods().stream().map(m -> m.getName()).toList());
    }

    @Test
    void modelInferMessagesKeepTheSpecifiedFieldNumbers() {
        assertEquals(Map.of("model_name", 1, "model_version", 2, "id", 3, "parameters", 4, "inputs", 5,
                "outputs", 6, "raw_input_contents", 7), fieldNumbers(ModelInferRequest.getDescriptor()));
        assertEquals(Map.of("model_name", 1, "model_version", 2, "id", 3, "parameters", 4, "outputs", 5,
                "raw_output_contents", 6), fieldNumbers(ModelInferResponse.getDescriptor()));
        assertEquals(Map.of("name", 1, "datatype", 2, "shape", 3, "parameters", 4, "contents", 5),
                fieldNumbers(ModelInferRequest.InferInputTensor.getDescriptor()));
    }

    @Test
    void scoringServiceIsVersionedAndOffersStreaming() {
        ServiceDescriptor service = ScoringProto.getDescriptor().findServiceByName("Scoring");
        assertEquals("refinevad.v1.Scoring", service.getFullName());
        var stream = service.findMethodByName("StreamScores");
        assertEquals(true, stream.isClientStreaming() && stream.isServerStreaming());
        assertEquals(List.of("Score", "StreamScores", "GetModelInfo", "GetLoadReport", "Drain"),
                service.getMethods().stream().map(m -> m.getName()).toList());
    }

    private static Map<String, Integer> fieldNumbers(Descriptor descriptor) {
        Map<String, Integer> numbers = new TreeMap<>();
        descriptor.getFields().forEach(f -> numbers.put(f.getName(), f.getNumber()));
        return numbers;
    }
}
