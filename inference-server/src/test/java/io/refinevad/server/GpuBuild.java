package io.refinevad.server;

/**
 * Whether the tests run on the -Pgpu build, whose packaged server has onnxruntime_gpu (the CUDA and TensorRT
 * providers beside the CPU one): the POM passes the ONNX Runtime artifact it resolved as the system property
 * onnxruntime.artifact. Tests that make sense on one build only say so with
 * {@code @EnabledIf("io.refinevad.server.GpuBuild#isGpuBuild")} (or DisabledIf), and are reported as skipped, with
 * the reason, on the other. A JUnit condition rather than an include list in the profile: each test states where it
 * applies, next to what it checks. Maven's answer rather than ONNX Runtime's own list of providers: a GPU artifact
 * that lost its providers then fails the GPU tests instead of turning them off.
 */
public final class GpuBuild {
    private GpuBuild() {
    }

    public static boolean isGpuBuild() {
        return "onnxruntime_gpu".equals(System.getProperty("onnxruntime.artifact"));
    }
}
