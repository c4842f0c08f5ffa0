package io.refinevad.operator.crd;

import static io.refinevad.operator.dependent.DetectorResources.CONFIG_SUFFIX;
import static io.refinevad.operator.dependent.DetectorResources.GATEWAY_SUFFIX;
import static io.refinevad.operator.dependent.DetectorResources.HEADLESS_SUFFIX;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A scoring service for one model: autoscaled pods that serve RefineVAD over gRPC to camera streams.
 *
 * <p>The name rules keep every object the operator derives from the name valid and its own: the Services need a
 * DNS-1035 label (a letter first), the longest derived name ({@code <name>-gateway}) and the label values must fit
 * in 63 characters, and a name ending in a derived suffix would take another detector's objects (detector
 * {@code x-pods} would be detector {@code x}'s headless Service).
 */
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must start with a letter and hold only lowercase letters, digits and '-' (it names the"
                + " detector's Services, which need a DNS-1035 label)")
@ValidationRule(value = "size(self.metadata.name) <= " + AnomalyDetector.MAX_NAME_LENGTH,
        message = "metadata.name may be at most " + AnomalyDetector.MAX_NAME_LENGTH + " characters: the detector's"
                + " objects are named <name>-gateway and labelled with the name, which Kubernetes caps at 63")
@ValidationRule(value = "!self.metadata.name.endsWith('" + HEADLESS_SUFFIX + "') && !self.metadata.name.endsWith('"
        + GATEWAY_SUFFIX + "') && !self.metadata.name.endsWith('" + CONFIG_SUFFIX + "')",
        message = "metadata.name may not end in " + HEADLESS_SUFFIX + ", " + GATEWAY_SUFFIX + " or " + CONFIG_SUFFIX
                + ": the operator names another detector's objects so (detector x has x" + HEADLESS_SUFFIX + ", x"
                + GATEWAY_SUFFIX + " and x" + CONFIG_SUFFIX + "), and the two would collide")
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
    /** 63, the longest label value and Service name, less the longest suffix the operator adds (-gateway, 8). */
    public static final int MAX_NAME_LENGTH = 63 - 8;

    @Override
    protected AnomalyDetectorStatus initStatus() {
        return new AnomalyDetectorStatus();
    }
}
