package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.refinevad.server.engine.ExecutionProviders;
import io.refinevad.server.engine.GpuConfig;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/**
 * The GPU path cannot run on this machine (no GPU): these tests check the TensorRT options the server builds, and
 * that asking for a GPU provider on the CPU build fails loudly instead of silently running on the CPU. The -Pgpu
 * build's own startup (CPU provider; CUDA or TensorRT without their libraries) is GpuJarStartupIT's; running on a
 * GPU node is docs/GPU.md's.
 */
class GpuExecutionProvidersTest {

    record Gpu(Provider provider, int deviceId, boolean fp16, String engineCacheDir, long maxWorkspaceBytes)
            implements GpuConfig {
    }

    @Test
    void tensorRtOptionsCacheEnginesAndUseFp16() {
        Map<String, String> options = ExecutionProviders.tensorRtOptions(
                new Gpu(GpuConfig.Provider.TENSORRT, 1, true, "/cache/trt", 1L << 30));
        assertEquals(Map.of("device_id", "1", "trt_fp16_enable", "1", "trt_max_workspace_size", "1073741824",
                "trt_engine_cache_enable", "1", "trt_engine_cache_path", "/cache/trt",
                "trt_timing_cache_enable", "1", "trt_timing_cache_path", "/cache/trt"), options);
        assertEquals("0", ExecutionProviders.tensorRtOptions(
                new Gpu(GpuConfig.Provider.TENSORRT, 0, false, "/c", 1)).get("trt_fp16_enable"));
    }

    /** A ConfigurationException without a cause: Quarkus prints its message alone and exits (GpuJarStartupIT). */
    @Test
    @DisabledIf("io.refinevad.server.GpuBuild#isGpuBuild")
    void askingForTensorRtOnTheCpuBuildFailsWithTheWayToGetIt() {
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        Gpu tensorRt = new Gpu(GpuConfig.Provider.TENSORRT, 0, true, "/tmp/trt", 1L << 30);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new OnnxRuntimeEngine(bundle, 0, false, tensorRt));
        assertTrue(e.getMessage().startsWith("refinevad.gpu.provider=TENSORRT: this server is the CPU-only build"),
                e.getMessage());
        assertTrue(e.getMessage().contains("build the server with -Pgpu"), e.getMessage());
        assertNull(e.getCause());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theCpuProviderNamesTheEngineOnnxRuntime() {
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(bundle, 0, false,
                new Gpu(GpuConfig.Provider.CPU, 0, true, "/tmp/trt", 1))) {
            assertEquals("OnnxRuntime", engine.name());
        }
    }
}
