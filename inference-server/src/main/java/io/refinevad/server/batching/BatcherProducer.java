package io.refinevad.server.batching;

import io.quarkus.runtime.Quarkus;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.health.Liveness;
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
                           NanoClock clock, Liveness liveness) {
        return new DynamicBatcher(engine, bundle.manifest().featureDim(), bundle.manifest().window(), config,
                listener, clock,
                () -> stopServing(liveness));
    }

    /**
     * The batcher's worker is gone and nothing would be scored again: readiness and liveness fail at once (the gRPC
     * health service answers NOT_SERVING for both) and the process exits, so that Kubernetes restarts the
     * container; should the exit hang, the liveness probe still gets it restarted.
     */
    private static void stopServing(Liveness liveness) {
        liveness.batcherDied();
        Quarkus.asyncExit(1);
    }

    void close(@Disposes DynamicBatcher batcher) {
        batcher.close();
    }
}
