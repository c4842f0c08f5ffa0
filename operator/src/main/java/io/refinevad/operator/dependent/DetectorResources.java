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
    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final String SCORER = "scorer";
    private static final String GATEWAY = "gateway";
    /**
     * The informer selectors of the kinds the operator makes twice per detector (a Deployment and a
     * PodDisruptionBudget for the scoring pods, another for the gateway): each informer sees only its own objects,
     * as JOSDK wants of dependents of one type, so a change reaches one event source.
     */
    public static final String SCORER_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=" + SCORER;
    public static final String GATEWAY_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=" + GATEWAY;
    /** The suffixes of derived names; the CRD refuses detector names that end in one (AnomalyDetector). */
    public static final String CONFIG_SUFFIX = "-config";
    public static final String HEADLESS_SUFFIX = "-pods";
    public static final String GATEWAY_SUFFIX = "-gateway";
    public static final int GRPC_PORT = 9000;
    /** The scoring pods' admin plane (load reports, drain): no Service exposes it, only the operator dials it. */
    public static final int ADMIN_PORT = 9002;
    public static final int HTTP_PORT = 8080;
    /** The gateway's camera port (its quarkus.grpc.server.port): the detector's Service targets it by name, grpc. */
    public static final int GATEWAY_GRPC_PORT = 9000;
    /** The gateway's HTTP port (health, metrics). */
    public static final int GATEWAY_HTTP_PORT = 8080;

    private DetectorResources() {
    }

    public static String configMapName(AnomalyDetector detector) {
        return detector.getMetadata().getName() + CONFIG_SUFFIX;
    }

    public static String deploymentName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String serviceName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String headlessServiceName(AnomalyDetector detector) {
        return detector.getMetadata().getName() + HEADLESS_SUFFIX;
    }

    public static String disruptionBudgetName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    public static String networkPolicyName(AnomalyDetector detector) {
        return detector.getMetadata().getName();
    }

    /** The gateway's Deployment, PodDisruptionBudget, ServiceAccount and RoleBinding. */
    public static String gatewayName(AnomalyDetector detector) {
        return detector.getMetadata().getName() + GATEWAY_SUFFIX;
    }

    /** Labels of every object of the detector but the gateway's. */
    public static Map<String, String> labels(AnomalyDetector detector) {
        return Map.of(
                "app.kubernetes.io/name", "refinevad",
                "app.kubernetes.io/instance", detector.getMetadata().getName(),
                COMPONENT, SCORER,
                "app.kubernetes.io/managed-by", MANAGED_BY,
                DETECTOR_LABEL, detector.getMetadata().getName());
    }

    /**
     * Labels of the gateway's objects and pods: component gateway (so the scoring pods' selector, which asks for
     * component scorer, never takes a gateway pod) and {@value #GATEWAY_LABEL}, which the scoring pods'
     * NetworkPolicy admits.
     */
    public static Map<String, String> gatewayLabels(AnomalyDetector detector) {
        return Map.of(
                "app.kubernetes.io/name", "refinevad",
                "app.kubernetes.io/instance", detector.getMetadata().getName(),
                COMPONENT, GATEWAY,
                "app.kubernetes.io/managed-by", MANAGED_BY,
                DETECTOR_LABEL, detector.getMetadata().getName(),
                GATEWAY_LABEL, detector.getMetadata().getName());
    }

    /** The scoring pods' selector: stable for the life of the detector (a Deployment's selector is immutable). */
    public static Map<String, String> podSelector(AnomalyDetector detector) {
        return Map.of(DETECTOR_LABEL, detector.getMetadata().getName(), COMPONENT, SCORER);
    }

    public static String podSelectorString(AnomalyDetector detector) {
        return DETECTOR_LABEL + "=" + detector.getMetadata().getName() + "," + COMPONENT + "=" + SCORER;
    }

    /** The gateway pods' selector, stable like the scoring pods'. */
    public static Map<String, String> gatewayPodSelector(AnomalyDetector detector) {
        return Map.of(GATEWAY_LABEL, detector.getMetadata().getName(), COMPONENT, GATEWAY);
    }

    /** The pods behind the detector's endpoint (its Service): the gateway's while it is enabled, else the scorers'. */
    public static Map<String, String> endpointSelector(AnomalyDetector detector) {
        return detector.getSpec().getGateway().isEnabled() ? gatewayPodSelector(detector) : podSelector(detector);
    }
}
