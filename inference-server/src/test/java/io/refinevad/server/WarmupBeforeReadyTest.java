package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The server warms its engine up before it reports SERVING: on the embedded default model, every engine call made
 * while the application started was a batch of full windows, one per power-of-two batch size and max-batch-size,
 * each run while the readiness health service ("", which the pod's startup and readiness probes ask) answered
 * NOT_SERVING; once started, the server answers SERVING over a real channel, on gRPC health and on the Open Inference
 * Protocol's ServerReady.
 */
@QuarkusTest
@TestProfile(WarmupBeforeReadyTest.ObservedEngineProfile.class)
class WarmupBeforeReadyTest {
    private static final int MAX_BATCH = 6;

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void everyBatchSizeRanBeforeHealthTurnedServing() {
        List<String> expected = IntStream.of(1, 2, 4, MAX_BATCH)
                .mapToObj(size -> size + "x32 while NOT_SERVING").toList();
        assertEquals(expected, ObservedEngine.calls, "the engine's calls before the first request");
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertTrue(GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
    }

    public static class ObservedEngineProfile implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ObservedEngine.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.batching.max-batch-size", String.valueOf(MAX_BATCH));
        }
    }

    /** The default model on ONNX Runtime, noting each call's shape and what readiness answered during it. */
    @Alternative
    @Singleton
    public static class ObservedEngine extends ForwardingEngine {
        static final List<String> calls = new CopyOnWriteArrayList<>();
        private final OnnxRuntimeEngine model;
        private final GrpcHealthStorage health;

        @Inject
        public ObservedEngine(GrpcHealthStorage health) {
            this(defaultModel(), health);
        }

        private ObservedEngine(OnnxRuntimeEngine model, GrpcHealthStorage health) {
            super(model);
            this.model = model;
            this.health = health;
        }

        private static OnnxRuntimeEngine defaultModel() {
            ObjectMapper mapper = new ObjectMapper();
            return new OnnxRuntimeEngine(ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper), 1, false);
        }

        @Override
        public EngineOutput run(EngineInput input) {
            calls.add(input.batch() + "x" + input.time() + " while "
                    + health.statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus());
            return super.run(input);
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
