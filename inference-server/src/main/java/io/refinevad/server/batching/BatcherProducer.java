package io.refinevad.server.batching;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.Quarkus;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.model.ModelBundle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** One batcher per server: every stream and request shares it, which is what makes batches large. */
@ApplicationScoped
public class BatcherProducer {

    @Produces
    @Singleton
    NanoClock clock() {
        return System::nanoTime;
    }

    @Produces
    @Singleton
    DynamicBatcher batcher(InferenceEngine engine, ModelBundle bundle, BatchingConfig config, BatchListener listener,
                           NanoClock clock, GrpcHealthStorage health) {
        return new DynamicBatcher(engine, bundle.manifest().featureDim(), config, listener, clock,
                () -> stopServing(health));
    }

    /**
     * The batcher's worker is gone and nothing would be scored again: readiness fails at once (the gRPC health
     * service answers NOT_SERVING) and the process exits, so that Kubernetes restarts the container.
     */
    private static void stopServing(GrpcHealthStorage health) {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.NOT_SERVING);
        Quarkus.asyncExit(1);
    }

    void close(@Disposes DynamicBatcher batcher) {
        batcher.close();
    }
}
