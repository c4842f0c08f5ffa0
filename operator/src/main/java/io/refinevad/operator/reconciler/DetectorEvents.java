package io.refinevad.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AnomalyDetector;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Events on the detector, so `kubectl describe anomalydetector` tells why it scaled or what went wrong. */
public class DetectorEvents {

    private final KubernetesClient client;

    public DetectorEvents(KubernetesClient client) {
        this.client = client;
    }

    public void normal(AnomalyDetector detector, String reason, String message) {
        record(detector, "Normal", reason, message);
    }

    public void warning(AnomalyDetector detector, String reason, String message) {
        record(detector, "Warning", reason, message);
    }

    private void record(AnomalyDetector detector, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        var metadata = detector.getMetadata();
        try {
            client.v1().events().inNamespace(metadata.getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(metadata.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(detector.getApiVersion()).withKind(detector.getKind())
                    .withName(metadata.getName()).withNamespace(metadata.getNamespace()).withUid(metadata.getUid())
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent("refinevad-operator").endSource()
                    .withReportingComponent("refinevad-operator")
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: failing to record one must not fail the reconciliation.
        }
    }
}
