package io.refinevad.server.engine;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns GpuConfig into ONNX Runtime execution providers. TensorRT comes first with CUDA behind it, so nodes
 * TensorRT cannot take still run on the GPU. A provider that cannot be had stops the server instead of letting it
 * run on the CPU unasked: the CPU build (the default Maven profile) has neither provider, and a node without the
 * provider's libraries cannot load it.
 *
 * <p>Both failures are ConfigurationExceptions without a cause: Quarkus prints such an exception's message alone, as
 * one line, and exits 1, where any other startup failure is logged with its stack trace.
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
        switch (gpu.provider()) {
            case CPU -> {
            }
            case CUDA -> append(ProviderLibrary.CUDA, gpu, () -> options.addCUDA(gpu.deviceId()));
            case TENSORRT -> {
                append(ProviderLibrary.TENSORRT, gpu, () -> {
                    OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(gpu.deviceId());
                    for (Map.Entry<String, String> option : tensorRtOptions(gpu).entrySet()) {
                        trt.add(option.getKey(), option.getValue());
                    }
                    options.addTensorrt(trt);
                });
                append(ProviderLibrary.CUDA, gpu, () -> options.addCUDA(gpu.deviceId()));
            }
        }
    }

    private interface Append {
        void run() throws OrtException;
    }

    private static void append(ProviderLibrary provider, GpuConfig gpu, Append append) {
        String asked = "refinevad.gpu.provider=" + gpu.provider();
        if (!provider.inThisBuild()) {
            throw new ConfigurationException(asked + ": this server is the CPU-only build, without ONNX Runtime's "
                    + provider + " provider; build the server with -Pgpu (onnxruntime_gpu) and run it on a node with "
                    + provider.needs());
        }
        try {
            append.run();
        } catch (OrtException e) {
            String why = provider.missingDependency()
                    .map(library -> "cannot load " + library + " (not on this node's library path)")
                    .orElseGet(() -> "failed: " + oneLine(e.getMessage()));
            throw new ConfigurationException(asked + ": ONNX Runtime's " + provider + " provider " + why
                    + "; the node needs " + provider.needs() + ", or unset refinevad.gpu.provider to run on the CPU");
        }
    }

    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
