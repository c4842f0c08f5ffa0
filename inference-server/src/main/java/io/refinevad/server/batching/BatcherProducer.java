package io.refinevad.server.batching;

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
                           NanoClock clock) {
        return new DynamicBatcher(engine, bundle.manifest().featureDim(), config, listener, clock);
    }

    void close(@Disposes DynamicBatcher batcher) {
        batcher.close();
    }
}
