package io.refinevad.operator.dependent;

import io.refinevad.operator.crd.AlertsSpec;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.operator.crd.WebhookSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates a detector into the scoring server's configuration properties (docs/SERVER.md, docs/EVENTS.md). Paths
 * inside the pod (the model folder, the engine cache) go to the container's environment instead, beside its mounts;
 * the webhook token's file is the exception, a setting of the server's event sink that has no environment twin.
 */
public final class ServerProperties {

    public static final String MODEL_DIR = "/models";
    public static final String ENGINE_CACHE_DIR = "/var/cache/refinevad/tensorrt";
    /**
     * The webhook's bearer token: the one key of spec.alerts.webhook.tokenSecret, in a Secret volume of its own (not
     * under /etc/refinevad, the configuration's read-only volume, so that no mount point is made inside another).
     */
    public static final String WEBHOOK_TOKEN_DIR = "/var/run/secrets/refinevad/webhook";
    public static final String WEBHOOK_TOKEN_NAME = "token";
    public static final String WEBHOOK_TOKEN_FILE = WEBHOOK_TOKEN_DIR + "/" + WEBHOOK_TOKEN_NAME;

    private ServerProperties() {
    }

    public static String of(AnomalyDetector detector) {
        AnomalyDetectorSpec spec = detector.getSpec();
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
        properties.put("refinevad.events.detector",
                detector.getMetadata().getNamespace() + "/" + detector.getMetadata().getName());
        properties.putAll(eventProperties(spec.getAlerts()));
        return properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# Written by the refinevad operator from the AnomalyDetector spec\n",
                        "\n"));
    }

    /** The event rule's settings the detector sets (the server's defaults stand for the others) and its webhook. */
    private static Map<String, String> eventProperties(AlertsSpec alerts) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (alerts.getMinSegments() != null) {
            properties.put("refinevad.events.min-segments", String.valueOf(alerts.getMinSegments()));
        }
        if (alerts.getQuietSegments() != null) {
            properties.put("refinevad.events.quiet-segments", String.valueOf(alerts.getQuietSegments()));
        }
        if (alerts.getHysteresis() != null) {
            properties.put("refinevad.events.hysteresis", String.valueOf(alerts.getHysteresis()));
        }
        WebhookSpec webhook = alerts.getWebhook();
        if (webhook != null) {
            properties.put("refinevad.events.webhook.url", webhook.getUrl());
            if (webhook.getTokenSecret() != null) {
                properties.put("refinevad.events.webhook.token-file", WEBHOOK_TOKEN_FILE);
            }
        }
        return properties;
    }
}
