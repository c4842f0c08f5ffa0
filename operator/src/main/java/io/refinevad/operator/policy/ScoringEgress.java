package io.refinevad.operator.policy;

import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;

/**
 * Where the platform lets scoring pods connect to: the addresses their model may be fetched from, the receivers
 * their anomaly events may be posted to (spec.alerts.webhook), and the cluster's DNS, which resolves either's host.
 * Nothing else: a scoring pod serves, and opens no other connection. A NetworkPolicy selects addresses and pods, not
 * host names, so the platform names address blocks and peers (the defaults: any public address, which keeps a
 * tenant's URL away from cloud metadata endpoints and the cluster's own services).
 *
 * @param modelHosts the address blocks a model may be fetched from, on the fetch's ports; at least one
 * @param alertReceivers where a detector's webhook may post to, on its URL's port; at least one
 * @param dns the cluster's DNS servers, reached on port 53; at least one
 */
public record ScoringEgress(List<IPBlock> modelHosts, List<NetworkPolicyPeer> alertReceivers,
        List<NetworkPolicyPeer> dns) {

    public ScoringEgress {
        // An empty list would read as "nowhere" to a person and as "anywhere" to a NetworkPolicy: refuse both.
        if (modelHosts == null || modelHosts.isEmpty() || alertReceivers == null || alertReceivers.isEmpty()
                || dns == null || dns.isEmpty()) {
            throw new IllegalArgumentException("refinevad.operator.policy.model-hosts, .alert-receivers and .dns must"
                    + " each name at least one destination; to allow any address, name 0.0.0.0/0 and ::/0");
        }
        modelHosts = List.copyOf(modelHosts);
        alertReceivers = List.copyOf(alertReceivers);
        dns = List.copyOf(dns);
    }
}
