package io.refinevad.operator.dependent;

import io.refinevad.operator.crd.AnomalyDetector;
import java.util.Map;

/** Names and labels of what the operator creates for a detector, in one place so every class agrees. */
public final class DetectorResources {

    public static final String MANAGED_BY = "refinevad-operator";
    public static final String DETECTOR_LABEL = "refinevad.io/detector";
    /**
     * The label of a detector's gateway pods (value: the detector's name): its NetworkPolicy lets them reach the
     * scoring port whatever else it admits.
     */
    public static final String GATEWAY_LABEL = "refinevad.io/gateway-for";
    /** The selector every dependent informer uses, so the operator watches only what it owns. */
    public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;
    public static final int GRPC_PORT = 9000;
    /** The scoring pods' admin plane (load reports, drain): no Service exposes it, only the operator dials it. */
    public static final int ADMIN_PORT = 9002;
    public static final int HTTP_PORT = 8080;

    private DetectorResources() {
    }

    public static String configMapName(AnomalyDetector detector) {
        return detector.getMetadata().getName() + "-config";
    }

    public static String deploymentName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String serviceName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String headlessServiceName(AnomalyDetector detector) {
        return detector.getMetadata().getName() + "-pods";
    }

    public static String disruptionBudgetName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String networkPolicyName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    /** Labels of every object of the detector. */
    public static Map<String, String> labels(AnomalyDetector detector) {
        return Map.of(
                "app.kubernetes.io/name", "refinevad",
                "app.kubernetes.io/instance", detector.getMetadata().getName(),
                "app.kubernetes.io/component", "scorer",
                "app.kubernetes.io/managed-by", MANAGED_BY,
                DETECTOR_LABEL, detector.getMetadata().getName());
    }

    /** The scoring pods' selector: stable for the life of the detector (a Deployment's selector is immutable). */
    public static Map<String, String> podSelector(AnomalyDetector detector) {
        return Map.of(DETECTOR_LABEL, detector.getMetadata().getName(), "app.kubernetes.io/component", "scorer");
    }

    public static String podSelectorString(AnomalyDetector detector) {
        return DETECTOR_LABEL + "=" + detector.getMetadata().getName() + ",app.kubernetes.io/component=scorer";
    }
}
