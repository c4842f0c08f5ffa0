package io.refinevad.server.batching;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.health.Liveness;
import io.refinevad.server.health.Readiness;
import io.refinevad.server.model.ModelBundle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** One batcher per server: every stream and request shares it, which is what makes batches large. */
@ApplicationScoped
public class BatcherProducer {

    /** Longest the engine warm-up before SERVING may take (EngineWarmup). */
    @ConfigProperty(name = "refinevad.warmup.max-duration", defaultValue = "10s")
    Duration warmupBudget;

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

    /**
     * Warms the engine up at start, then reports SERVING. Synchronous, so that Quarkus's start (its log line, and
     * a test's first call) comes after it; calls that arrive meanwhile wait for the engine, which runs one call at
     * a time.
     */
    void warmUp(@Observes StartupEvent event, InferenceEngine engine, ModelBundle bundle, BatchingConfig config,
                NanoClock clock, Readiness readiness) {
        readiness.warmingUp();
        new EngineWarmup(engine, bundle.manifest().featureDim(), bundle.manifest().window(), config, warmupBudget,
                clock).run();
        readiness.warmedUp();
    }

    void close(@Disposes DynamicBatcher batcher) {
        batcher.close();
    }
}
