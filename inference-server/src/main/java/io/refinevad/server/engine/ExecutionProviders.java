package io.refinevad.server.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns GpuConfig into ONNX Runtime execution providers. TensorRT comes first with CUDA behind it, so nodes
 * TensorRT cannot take still run on the GPU. The CPU build (the default Maven profile) has neither provider; asking
 * for one there fails with a message that says how to get it, instead of silently running on the CPU.
 */
public final class ExecutionProviders {
    private ExecutionProviders() {
    }

    /** The TensorRT provider options this configuration asks for (ONNX Runtime's trt_* keys). */
    public static Map<String, String> tensorRtOptions(GpuConfig gpu) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("device_id", String.valueOf(gpu.deviceId()));
        options.put("trt_fp16_enable", gpu.fp16() ? "1" : "0");
        options.put("trt_max_workspace_size", String.valueOf(gpu.maxWorkspaceBytes()));
        options.put("trt_engine_cache_enable", "1");
        options.put("trt_engine_cache_path", gpu.engineCacheDir());
        options.put("trt_timing_cache_enable", "1");
        options.put("trt_timing_cache_path", gpu.engineCacheDir());
        return options;
    }

    public static void apply(OrtSession.SessionOptions options, GpuConfig gpu) {
        try {
            switch (gpu.provider()) {
                case CPU -> {
                }
                case CUDA -> options.addCUDA(gpu.deviceId());
                case TENSORRT -> {
                    OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(gpu.deviceId());
                    for (Map.Entry<String, String> option : tensorRtOptions(gpu).entrySet()) {
                        trt.add(option.getKey(), option.getValue());
                    }
                    options.addTensorrt(trt);
                    options.addCUDA(gpu.deviceId());
                }
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            throw new IllegalStateException("refinevad.gpu.provider=" + gpu.provider() + " is not available: "
                    + e.getMessage() + ". The default build is CPU-only; build the server with -Pgpu (onnxruntime_gpu)"
                    + " and run it on a node with CUDA 12 and TensorRT 10 libraries", e);
        }
    }
}
