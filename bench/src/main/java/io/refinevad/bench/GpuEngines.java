package io.refinevad.bench;

import io.refinevad.server.engine.GpuConfig;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.model.ModelBundle;
import java.util.List;

/**
 * ONNX Runtime on each execution provider the GPU check compares (bench/gpu-check.sh), by name: CPU, CUDA (fp32),
 * TensorRT-fp32, TensorRT-fp16. TensorRT caches its engines in the folder the system property
 * refinevad.gpu.engine-cache-dir names (default build/gpu-check/engine-cache). The GPU ones need the -Pgpu build's
 * ONNX Runtime on the classpath (inference-server/target/gpu/quarkus-app/lib/main) instead of bench/target/lib's.
 */
final class GpuEngines {
    static final List<String> NAMES = List.of("CPU", "CUDA", "TensorRT-fp32", "TensorRT-fp16");
    /** ExecutionProviders' default, the server's refinevad.gpu.max-workspace-bytes. */
    private static final long WORKSPACE = 2L << 30;

    private GpuEngines() {
    }

    record Gpu(Provider provider, int deviceId, boolean fp16, String engineCacheDir, long maxWorkspaceBytes)
            implements GpuConfig {
    }

    static InferenceEngine open(String name, ModelBundle bundle) {
        String cache = System.getProperty("refinevad.gpu.engine-cache-dir", "build/gpu-check/engine-cache");
        GpuConfig.Provider provider = switch (name) {
            case "CPU" -> GpuConfig.Provider.CPU;
            case "CUDA" -> GpuConfig.Provider.CUDA;
            case "TensorRT-fp32", "TensorRT-fp16" -> GpuConfig.Provider.TENSORRT;
            default -> throw new IllegalArgumentException("engine " + name + "; allowed: " + NAMES);
        };
        return new OnnxRuntimeEngine(bundle, 0, false,
                new Gpu(provider, 0, name.endsWith("fp16"), cache, WORKSPACE));
    }
}
