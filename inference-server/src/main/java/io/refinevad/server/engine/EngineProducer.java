package io.refinevad.server.engine;

import io.quarkus.logging.Log;
import io.refinevad.server.model.ModelBundle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the configured engine once: OnnxRuntime (model.onnx, on the CPU or, with refinevad.gpu.provider, CUDA or
 * TensorRT) or PyTorch (model.pt, TorchScript).
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

    @Produces
    @Singleton
    InferenceEngine engine(ModelBundle bundle) {
        long start = System.nanoTime();
        InferenceEngine loaded = switch (engine) {
            case "OnnxRuntime" -> new OnnxRuntimeEngine(bundle, threads, spinWait, gpu);
            case "PyTorch" -> new PyTorchEngine(bundle, threads);
            default -> throw new IllegalArgumentException("refinevad.engine=" + engine
                    + " is not available in this build; available: OnnxRuntime, PyTorch");
        };
        Log.infof("engine %s loaded in %d ms", loaded.name(), (System.nanoTime() - start) / 1_000_000);
        return loaded;
    }

    void close(@Disposes InferenceEngine engine) {
        engine.close();
    }
}
