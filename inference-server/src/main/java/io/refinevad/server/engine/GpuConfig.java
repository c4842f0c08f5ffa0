package io.refinevad.server.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where ONNX Runtime runs: the CPU, or a GPU through its CUDA or TensorRT execution provider. */
@ConfigMapping(prefix = "refinevad.gpu")
public interface GpuConfig {

    enum Provider { CPU, CUDA, TENSORRT }

    @WithDefault("CPU")
    Provider provider();

    @WithDefault("0")
    int deviceId();

    /** TensorRT builds fp16 engines: faster; check golden-vector parity on each GPU type before relying on it. */
    @WithDefault("true")
    boolean fp16();

    /** Built TensorRT engines are cached here, keyed by TensorRT itself, so a restarted pod does not rebuild them. */
    @WithDefault("/var/cache/refinevad/tensorrt")
    String engineCacheDir();

    @WithDefault("2147483648")
    long maxWorkspaceBytes();
}
