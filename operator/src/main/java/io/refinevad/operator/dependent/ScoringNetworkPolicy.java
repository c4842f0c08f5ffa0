package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.operator.policy.ScoringEgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may reach the scoring pods, port by port, and where they may connect to.
 * <p>Ingress, while spec.networkPolicy.enabled holds (the tenant's choice):
 * <ul>
 * <li>The scoring port: the detector's gateway (pods labelled {@value DetectorResources#GATEWAY_LABEL}: the
 * detector's name, in its namespace) and spec.networkPolicy.allowedClients. Left unset, that list means every pod
 * of the detector's namespace, so that an install that lists nobody keeps working for the clients that reach a
 * ClusterIP Service there; for a NodePort or LoadBalancer Service, which exists to be reached from outside the
 * cluster, any client.</li>
 * <li>The admin port (drain, load reports): the operator's pods, and the detector's gateway pods while
 * spec.gateway is enabled (the gateway reads each pod's load report to place streams); nobody else, so nobody at all
 * when the gateway is off and the operator does not know its own pods (it runs outside the cluster).</li>
 * <li>The HTTP port (Prometheus metrics and health): any client, since Prometheus may run in any namespace and the
 * port serves nothing but reads.</li>
 * </ul>
 * Kubelet probes need no rule: a NetworkPolicy always lets a pod's own node reach it.
 * <p>Egress, always (the platform's policy, {@link ScoringEgress}, which a tenant cannot switch off): a scoring pod
 * serves and opens no connection of its own, except its init container's model fetch when model.uri is an http(s)
 * URL, and its server's posts of anomaly events when spec.alerts.webhook is set. So: nothing at all for a built-in or
 * volume model without a webhook; for a fetched model, the platform's model hosts on the URL's port and the ports of
 * the protocols the fetch may follow redirects over (443, and 80 when model.allowHttp), since a redirect to another
 * port would otherwise fail in a way the log cannot explain; for a webhook, the platform's alert receivers on the
 * webhook URL's port; for either, the cluster's DNS on port 53. The rules cover every container of the pod: a
 * NetworkPolicy selects pods, not containers.
 */
public final class ScoringNetworkPolicy {

    /** The label Kubernetes puts on every namespace, naming it: how a policy selects one namespace by name. */
    private static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    private static final int DNS_PORT = 53;

    private ScoringNetworkPolicy() {
    }

    public static NetworkPolicy of(AnomalyDetector detector, Optional<OperatorPods> operatorPods,
            ScoringEgress allowed) {
        boolean ingress = detector.getSpec().getNetworkPolicy().isEnabled();
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(DetectorResources.networkPolicyName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(DetectorResources.podSelector(detector)).endPodSelector()
                .withPolicyTypes(ingress ? List.of("Ingress", "Egress") : List.of("Egress"))
                .withIngress(ingress ? ingress(detector, operatorPods) : List.of())
                .withEgress(egress(detector.getSpec(), allowed))
                .endSpec()
                .build();
    }

    private static List<NetworkPolicyIngressRule> ingress(AnomalyDetector detector,
            Optional<OperatorPods> operatorPods) {
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();
        rules.add(rule(DetectorResources.GRPC_PORT, scoringClients(detector)));
        List<NetworkPolicyPeer> admins = adminClients(detector, operatorPods);
        if (!admins.isEmpty()) {
            rules.add(rule(DetectorResources.ADMIN_PORT, admins));
        }
        rules.add(rule(DetectorResources.HTTP_PORT, List.of()));
        return rules;
    }

    /** No rule at all (no connection anywhere) unless the model is fetched by URL or a webhook is set. */
    private static List<NetworkPolicyEgressRule> egress(AnomalyDetectorSpec spec, ScoringEgress allowed) {
        List<NetworkPolicyEgressRule> destinations = new ArrayList<>();
        Set<Integer> fetchPorts = ModelFetchScript.ports(spec.getModel());
        if (!fetchPorts.isEmpty()) {
            destinations.add(new NetworkPolicyEgressRuleBuilder()
                    .withPorts(fetchPorts.stream().map(number -> port("TCP", number)).toList())
                    .withTo(allowed.modelHosts().stream()
                            .map(block -> new NetworkPolicyPeerBuilder().withIpBlock(block).build()).toList())
                    .build());
        }
        WebhookSpec webhook = spec.getAlerts().getWebhook();
        if (webhook != null) {
            destinations.add(new NetworkPolicyEgressRuleBuilder()
                    .withPorts(port("TCP", UrlPorts.of(webhook.getUrl())))
                    .withTo(allowed.alertReceivers())
                    .build());
        }
        if (destinations.isEmpty()) {
            return List.of();
        }
        // Each destination is named by a host, which the cluster's DNS resolves.
        List<NetworkPolicyEgressRule> rules = new ArrayList<>(List.of(new NetworkPolicyEgressRuleBuilder()
                .withPorts(port("UDP", DNS_PORT), port("TCP", DNS_PORT))
                .withTo(allowed.dns())
                .build()));
        rules.addAll(destinations);
        return rules;
    }

    private static NetworkPolicyPort port(String protocol, int number) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(number)).build();
    }

    /**
     * The operator's pods and, while it is enabled, the gateway's. Empty when neither is there: the caller then adds
     * no rule, because a rule with no peers would admit everyone.
     */
    private static List<NetworkPolicyPeer> adminClients(AnomalyDetector detector, Optional<OperatorPods> operatorPods) {
        List<NetworkPolicyPeer> admins = new ArrayList<>();
        operatorPods.ifPresent(operator -> admins.add(new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().addToMatchLabels(NAMESPACE_NAME_LABEL, operator.namespace())
                .endNamespaceSelector()
                .withNewPodSelector().withMatchLabels(operator.labels()).endPodSelector()
                .build()));
        if (detector.getSpec().getGateway().isEnabled()) {
            admins.add(gatewayPods(detector));
        }
        return admins;
    }

    /** The detector's gateway pods: in its namespace (a peer with only a pod selector means that namespace). */
    private static NetworkPolicyPeer gatewayPods(AnomalyDetector detector) {
        return new NetworkPolicyPeerBuilder().withNewPodSelector()
                .withMatchLabels(Map.of(DetectorResources.GATEWAY_LABEL, detector.getMetadata().getName()))
                .endPodSelector().build();
    }

    /** The gateway and the listed clients; an empty list (any client) when the default opens the port to all. */
    private static List<NetworkPolicyPeer> scoringClients(AnomalyDetector detector) {
        List<NetworkPolicyPeer> listed = detector.getSpec().getNetworkPolicy().getAllowedClients();
        if (listed == null && detector.getSpec().getService().getType() != ServiceSpec.Type.ClusterIP) {
            return List.of();
        }
        List<NetworkPolicyPeer> clients = new ArrayList<>();
        clients.add(gatewayPods(detector));
        if (listed == null) {
            clients.add(new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build());
        } else {
            clients.addAll(listed);
        }
        return clients;
    }

    /** Traffic to one TCP port from these peers; no peers means from anywhere, as in the NetworkPolicy API. */
    private static NetworkPolicyIngressRule rule(int port, List<NetworkPolicyPeer> from) {
        return new NetworkPolicyIngressRuleBuilder()
                .withPorts(port("TCP", port))
                .withFrom(from)
                .build();
    }
}
