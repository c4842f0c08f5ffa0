package io.refinevad.operator.policy;

import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/**
 * Where the platform lets scoring pods connect to: the addresses their model may be fetched from, and the cluster's
 * DNS, which resolves the model URL's host. Nothing else: a scoring pod serves, and opens no other connection. A
 * NetworkPolicy selects addresses, not host names, so the platform names address blocks (the default: any public
 * address, which keeps the fetch away from cloud metadata endpoints and the cluster's own services).
 *
 * @param modelHosts the address blocks a model may be fetched from, on the fetch's ports; at least one
 * @param dns the cluster's DNS servers, reached on port 53; at least one
 */
public record ModelEgress(List<IPBlock> modelHosts, List<NetworkPolicyPeer> dns) {

    public ModelEgress {
        // An empty list would read as "nowhere" to a person and as "anywhere" to a NetworkPolicy: refuse both.
        if (modelHosts == null || modelHosts.isEmpty() || dns == null || dns.isEmpty()) {
            throw new IllegalArgumentException("refinevad.operator.policy.model-hosts and refinevad.operator.policy.dns"
                    + " must each name at least one destination; to allow any address, name 0.0.0.0/0 and ::/0");
        }
        modelHosts = List.copyOf(modelHosts);
        dns = List.copyOf(dns);
    }
}
