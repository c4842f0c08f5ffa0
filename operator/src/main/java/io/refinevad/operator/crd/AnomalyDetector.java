package io.refinevad.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A scoring service for one model: autoscaled pods that serve RefineVAD over gRPC to camera streams. */
@Group(AnomalyDetector.GROUP)
@Version("v1alpha1")
@Plural("anomalydetectors")
@ShortNames({"ad", "detector"})
@AdditionalPrinterColumn(name = "READY", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "REPLICAS", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.replicas")
@AdditionalPrinterColumn(name = "STREAMS", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.activeStreams")
@AdditionalPrinterColumn(name = "ENGINE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.runtime.engine")
@AdditionalPrinterColumn(name = "AGE", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class AnomalyDetector extends CustomResource<AnomalyDetectorSpec, AnomalyDetectorStatus> implements Namespaced {

    public static final String GROUP = "refinevad.io";

    @Override
    protected AnomalyDetectorStatus initStatus() {
        return new AnomalyDetectorStatus();
    }
}
