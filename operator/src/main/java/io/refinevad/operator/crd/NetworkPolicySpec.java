package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/**
 * The tenant's part of the NetworkPolicy the operator puts on the scoring pods: who may reach which port (where the
 * pods may connect to is the platform's, {@link io.refinevad.operator.policy.ScoringEgress}). Kubernetes stores it
 * whatever the cluster's network; only a policy-capable network plugin (Calico, Cilium, ...) enforces it.
 */
public class NetworkPolicySpec {

    @JsonPropertyDescription("restrict who may reach the scoring pods (default); false drops the NetworkPolicy's"
            + " ingress rules and leaves the pods open to any client the network lets through (its egress rules,"
            + " the platform's, stay)")
    @Default("true")
    private boolean enabled = true;

    @JsonPropertyDescription("who may reach the scoring port besides the detector's gateway (pods labelled"
            + " refinevad.io/gateway-for: <detector>). Unset: every pod of the detector's namespace, or any client"
            + " at all when service.type is NodePort or LoadBalancer; [] admits the gateway only")
    private List<NetworkPolicyPeer> allowedClients;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public List<NetworkPolicyPeer> getAllowedClients() {
        return allowedClients;
    }

    public void setAllowedClients(List<NetworkPolicyPeer> allowedClients) {
        this.allowedClients = allowedClients;
    }
}
