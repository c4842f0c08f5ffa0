package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.HealthServices;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.health.Liveness;
import io.refinevad.server.metrics.ScoringMetrics;
import io.refinevad.server.stream.Drainer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The named health service the pod's liveness probe asks for ({@value HealthServices#LIVENESS}), over a real gRPC
 * channel: SERVING from the start and while the server drains (a draining pod must not be killed), NOT_SERVING once
 * a batcher's worker has died.
 */
@QuarkusTest
@TestProfile(LivenessTest.OwnServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LivenessTest {
    private static final int DIM = 512;

    /** The tests drain the server and report a dead batcher: a server of its own, not shared with other classes. */
    public static class OwnServer implements QuarkusTestProfile {
    }

    @GrpcClient("scoring")
    Channel channel;

    @Inject
    Drainer drainer;

    @Inject
    Liveness liveness;

    @Test
    @Order(1)
    void livenessStaysServingWhileTheServerDrains() {
        assertEquals(ServingStatus.SERVING, status(HealthServices.LIVENESS));

        drainer.drain("test");

        assertEquals(ServingStatus.NOT_SERVING, status(""), "readiness follows the drain");
        assertEquals(ServingStatus.SERVING, status(HealthServices.LIVENESS), "liveness does not");
    }

    @Test
    @Order(2)
    void livenessTurnsNotServingWhenTheBatchersWorkerDies() throws Exception {
        try (DynamicBatcher batcher = new DynamicBatcher(new BrokenEngine(), DIM, 32, new FixedBatching(1,
                Duration.ofMillis(1), 16), new ScoringMetrics(new SimpleMeterRegistry()), System::nanoTime,
                liveness::batcherDied)) {
            CompletableFuture<JobResult> job = new CompletableFuture<>();
            batcher.submit(new ScoringJob(new float[DIM], 1, job::complete, job::completeExceptionally));
            assertThrows(ExecutionException.class, () -> job.get(30, TimeUnit.SECONDS));
        }  // close() joins the worker, so it has reported its death by now


        assertEquals(ServingStatus.NOT_SERVING, status(HealthServices.LIVENESS));
        assertEquals(ServingStatus.NOT_SERVING, status(""));
    }

    private ServingStatus status(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    /** An engine whose every call throws an Error the batcher's worker cannot recover from. */
    private static final class BrokenEngine implements InferenceEngine {
        @Override
        public String name() {
            return "OnnxRuntime";
        }

        @Override
        public String platform() {
            return "onnxruntime_onnx";
        }

        @Override
        public String modelFile() {
            return "model.onnx";
        }

        @Override
        public EngineOutput run(EngineInput input) {
            throw new NoClassDefFoundError("a class the engine needs (test)");
        }

        @Override
        public void close() {
        }
    }
}
