package io.refinevad.operator.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.ServiceSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** Where a {@link DetectorPolicy} comes from: the operator's settings, or, for tests, one that limits nothing. */
public final class DetectorPolicies {

    private static final String SETTING = "refinevad.operator.policy.";

    private DetectorPolicies() {
    }

    /**
     * @throws IllegalArgumentException when a JSON setting (placements, model hosts, alert receivers, DNS) is not of
     *     the documented shape (an unknown key, a misspelt toleration or ipBlock field): the operator refuses to start
     *     rather than act on half a policy
     */
    public static DetectorPolicy from(PolicySettings settings, ProductImages images) {
        return new DetectorPolicy(settings.imagePrefixes().orElse(List.of(images.registry() + "/")),
                placements(settings.placements()), EnumSet.copyOf(settings.serviceTypes()), settings.maxReplicas(),
                new Quantity(settings.maxCpu()), new Quantity(settings.maxMemory()), settings.maxGpus(),
                settings.allowHttpModels(), settings.allowHttpAlerts(),
                egress(settings.modelHosts(), settings.alertReceivers(), settings.dns()));
    }

    /**
     * For tests about other things than the policy: any image, Service type, model and webhook URL, the CRD's own
     * maxima, a placement named gpu, and egress to any address.
     */
    public static DetectorPolicy unrestricted() {
        List<IPBlock> anyAddress = List.of(new IPBlockBuilder().withCidr("0.0.0.0/0").build(),
                new IPBlockBuilder().withCidr("::/0").build());
        List<NetworkPolicyPeer> anyPeer = anyAddress.stream()
                .map(block -> new NetworkPolicyPeerBuilder().withIpBlock(block).build()).toList();
        return new DetectorPolicy(List.of(""), Map.of("gpu", new Placement(Map.of(), List.of())),
                EnumSet.allOf(ServiceSpec.Type.class), 1000, new Quantity("1000"), new Quantity("1Ei"), 16, true, true,
                new ScoringEgress(anyAddress, anyPeer, anyPeer));
    }

    static Map<String, Placement> placements(String json) {
        return PolicyJson.read(SETTING + "placements", json, new TypeReference<>() { }, "{\"gpu\": {\"nodeSelector\":"
                + " {\"nvidia.com/gpu.present\": \"true\"}, \"tolerations\": [{\"key\": \"nvidia.com/gpu\","
                + " \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]}}");
    }

    static ScoringEgress egress(String modelHostsJson, String alertReceiversJson, String dnsJson) {
        List<IPBlock> modelHosts = PolicyJson.read(SETTING + "model-hosts", modelHostsJson, new TypeReference<>() { },
                "[{\"cidr\": \"0.0.0.0/0\", \"except\": [\"10.0.0.0/8\", \"169.254.0.0/16\"]}]");
        List<NetworkPolicyPeer> alertReceivers = PolicyJson.read(SETTING + "alert-receivers", alertReceiversJson,
                new TypeReference<>() { }, "[{\"namespaceSelector\": {\"matchLabels\":"
                        + " {\"kubernetes.io/metadata.name\": \"alerting\"}}},"
                        + " {\"ipBlock\": {\"cidr\": \"0.0.0.0/0\", \"except\": [\"10.0.0.0/8\"]}}]");
        List<NetworkPolicyPeer> dns = PolicyJson.read(SETTING + "dns", dnsJson, new TypeReference<>() { },
                "[{\"namespaceSelector\": {\"matchLabels\": {\"kubernetes.io/metadata.name\": \"kube-system\"}},"
                        + " \"podSelector\": {\"matchLabels\": {\"k8s-app\": \"kube-dns\"}}}]");
        return new ScoringEgress(modelHosts, alertReceivers, dns);
    }
}
