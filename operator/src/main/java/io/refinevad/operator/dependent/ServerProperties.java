package io.refinevad.operator.dependent;

import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates a detector's spec into the scoring server's configuration properties (docs/SERVER.md). Paths inside
 * the pod (the model folder, the engine cache) go to the container's environment instead, beside its mounts.
 */
public final class ServerProperties {

    public static final String MODEL_DIR = "/models";
    public static final String ENGINE_CACHE_DIR = "/var/cache/refinevad/tensorrt";

    private ServerProperties() {
    }

    public static String of(AnomalyDetectorSpec spec) {
        RuntimeSpec runtime = spec.getRuntime();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.grpc.server.port", String.valueOf(DetectorResources.GRPC_PORT));
        properties.put("quarkus.http.port", String.valueOf(DetectorResources.HTTP_PORT));
        properties.put("refinevad.admin.port", String.valueOf(DetectorResources.ADMIN_PORT));
        // TensorRT is an execution provider of the ONNX Runtime engine, not an engine of its own.
        properties.put("refinevad.engine", runtime.getEngine() == RuntimeSpec.Engine.PyTorch ? "PyTorch" : "OnnxRuntime");
        if (runtime.getEngine() == RuntimeSpec.Engine.TensorRT) {
            properties.put("refinevad.gpu.provider", "TENSORRT");
            properties.put("refinevad.gpu.fp16", String.valueOf(runtime.getPrecision() == RuntimeSpec.Precision.fp16));
        }
        if (runtime.getWindow() != null) {
            properties.put("refinevad.model.window", String.valueOf(runtime.getWindow()));
        }
        // The detector's alarm threshold wins over the model's calibrated one; the pods tell clients which they use.
        if (spec.getModel().getAlarmThreshold() != null) {
            properties.put("refinevad.alarm.threshold", String.valueOf(spec.getModel().getAlarmThreshold()));
        }
        properties.put("refinevad.batching.max-batch-size", String.valueOf(runtime.getMaxBatchSize()));
        properties.put("refinevad.batching.max-queue-delay", runtime.getMaxQueueDelay());
        // The budgets the pod's memory limit is derived from, so that the server holds to exactly those.
        properties.putAll(ScoringMemory.serverProperties());
        properties.put("refinevad.streams.capacity", String.valueOf(runtime.getStreamCapacity()));
        properties.put("refinevad.drain.timeout", spec.getScaling().getDrainTimeoutSeconds() + "s");
        return properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# Written by the refinevad operator from the AnomalyDetector spec\n",
                        "\n"));
    }
}
