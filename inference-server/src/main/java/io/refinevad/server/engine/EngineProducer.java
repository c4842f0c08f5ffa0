package io.refinevad.server.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.server.health.Readiness;
import io.refinevad.server.model.ModelBundle;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the configured engine once: OnnxRuntime (model.onnx, on the CPU or, with refinevad.gpu.provider, CUDA or
 * TensorRT) or PyTorch (model.pt, TorchScript). Says how many threads one call uses, in the startup log and as the
 * gauge refinevad_engine_threads: with threads=0 that follows the container's CPU limit (EngineThreads).
 */
@ApplicationScoped
public class EngineProducer {

    @ConfigProperty(name = "refinevad.engine", defaultValue = "OnnxRuntime")
    String engine;

    @ConfigProperty(name = "refinevad.engine.threads", defaultValue = "0")
    int threads;

    @ConfigProperty(name = "refinevad.engine.spin-wait", defaultValue = "false")
    boolean spinWait;

    @Inject
    GpuConfig gpu;

    @Inject
    MeterRegistry registry;

    /**
     * Application-scoped: the beans that hold the engine get a proxy, so the gRPC server collecting its services on
     * an event loop no longer builds it there; {@link #buildAtStart} does, on the main thread.
     */
    @Produces
    @ApplicationScoped
    InferenceEngine engine(ModelBundle bundle) {
        long start = System.nanoTime();
        int perCall = EngineThreads.resolve(threads);
        InferenceEngine loaded = switch (engine) {
            case "OnnxRuntime" -> new OnnxRuntimeEngine(bundle, perCall, spinWait, gpu);
            case "PyTorch" -> new PyTorchEngine(bundle, perCall);
            default -> throw new IllegalArgumentException("refinevad.engine=" + engine
                    + " is not available in this build; available: OnnxRuntime, PyTorch");
        };
        Log.infof("engine %s loaded in %d ms, %d thread(s) per call (refinevad.engine.threads=%d%s)", loaded.name(),
                (System.nanoTime() - start) / 1_000_000, perCall, threads,
                threads == EngineThreads.PER_CPU ? ": one per CPU this process may use" : "");
        Gauge.builder("refinevad_engine_threads", () -> perCall)
                .description("threads one engine call may use (refinevad.engine.threads, or the CPUs the process may"
                        + " use)").register(registry);
        return loaded;
    }

    /**
     * Builds the engine at start, before the application's other StartupEvent observers (the warm-up), with readiness
     * NOT_SERVING meanwhile: the gRPC server marked itself SERVING when it began listening, and on a GPU the build
     * takes seconds (the CUDA provider's 316 MB library is copied out of its jar) to minutes (a cold TensorRT engine
     * cache). Built while the gRPC server collected its services, on an event loop, that blocked the loop, and a
     * provider that cannot load was logged by the gRPC server with its stack trace; here the failure stops the start
     * with its one-line message alone (ExecutionProviders).
     */
    void buildAtStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY - 1) StartupEvent event,
                      InferenceEngine engine, Readiness readiness) {
        readiness.warmingUp();
        engine.name();  // the proxy's first call builds the engine
    }

    void close(@Disposes InferenceEngine engine) {
        engine.close();
    }
}
