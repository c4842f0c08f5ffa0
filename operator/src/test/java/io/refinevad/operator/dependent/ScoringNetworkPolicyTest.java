package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.refinevad.operator.crd.AlertsFixture;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.operator.policy.ScoringEgress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scoring pods' NetworkPolicy, port by port, as rendered from a detector, the operator's own pods and the
 * platform's egress policy.
 */
class ScoringNetworkPolicyTest {

    private static final OperatorPods OPERATOR = new OperatorPods("vad-system",
            Map.of("app.kubernetes.io/name", "refinevad-operator", "app.kubernetes.io/instance", "vad"));
    private static final IPBlock PUBLIC = new IPBlockBuilder().withCidr("0.0.0.0/0")
            .withExcept("10.0.0.0/8", "169.254.0.0/16").build();
    private static final NetworkPolicyPeer KUBE_DNS = new NetworkPolicyPeerBuilder()
            .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", "kube-system")
            .endNamespaceSelector()
            .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector()
            .build();
    private static final NetworkPolicyPeer ALERTING = new NetworkPolicyPeerBuilder()
            .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", "alerting")
            .endNamespaceSelector().build();
    private static final ScoringEgress EGRESS = new ScoringEgress(List.of(PUBLIC), List.of(ALERTING),
            List.of(KUBE_DNS));
    private static final NetworkPolicyPeer GATEWAY = new NetworkPolicyPeerBuilder().withNewPodSelector()
            .addToMatchLabels("refinevad.io/gateway-for", "cams").endPodSelector().build();

    @Test
    void theAdminPortAdmitsTheOperatorsPodsAndTheGatewaysThatPlaceStreamsByLoad() {
        NetworkPolicy policy = rendered(detector());

        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("refinevad.io/detector", "cams", "app.kubernetes.io/component", "scorer"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(from(policy, DetectorResources.ADMIN_PORT)).satisfiesExactly(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .isEqualTo(Map.of("kubernetes.io/metadata.name", "vad-system"));
            assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(OPERATOR.labels());
        }, peer -> assertThat(peer).isEqualTo(GATEWAY));
    }

    @Test
    void withTheGatewayOffTheAdminPortAdmitsTheOperatorsPodsOnly() {
        AnomalyDetector detector = detector();
        detector.getSpec().getGateway().setEnabled(false);

        assertThat(from(rendered(detector), DetectorResources.ADMIN_PORT))
                .singleElement().satisfies(peer ->
                        assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(OPERATOR.labels()));
    }

    @Test
    void anOperatorThatDoesNotKnowItsPodsLeavesTheAdminPortToTheGatewayAndWithoutOneToNobody() {
        AnomalyDetector detector = detector();
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.empty(), EGRESS), DetectorResources.ADMIN_PORT))
                .containsExactly(GATEWAY);

        detector.getSpec().getGateway().setEnabled(false);
        assertThat(ScoringNetworkPolicy.of(detector, Optional.empty(), EGRESS).getSpec().getIngress())
                .as("no rule for the admin port: a rule without peers would admit everyone")
                .flatExtracting(NetworkPolicyIngressRule::getPorts)
                .extracting(port -> port.getPort().getIntVal())
                .containsExactlyInAnyOrder(DetectorResources.GRPC_PORT, DetectorResources.HTTP_PORT);
    }

    @Test
    void byDefaultTheScoringPortAdmitsTheGatewayAndThePodsOfTheDetectorsNamespace() {
        NetworkPolicy policy = rendered(detector());

        assertThat(from(policy, DetectorResources.GRPC_PORT)).containsExactly(GATEWAY,
                new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build());
    }

    @Test
    void listedClientsReplaceTheNamespaceDefaultAndAnEmptyListLeavesTheGatewayAlone() {
        AnomalyDetector detector = detector();
        NetworkPolicyPeer cameras = new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr("10.20.0.0/16")
                .endIpBlock().build();
        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of(cameras));
        assertThat(from(rendered(detector), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY, cameras);

        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of());
        assertThat(from(rendered(detector), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY);
    }

    @Test
    void aServiceExposedOutsideTheClusterAdmitsAnyClientUnlessClientsAreListed() {
        AnomalyDetector detector = detector();
        detector.getSpec().getService().setType(ServiceSpec.Type.LoadBalancer);
        assertThat(from(rendered(detector), DetectorResources.GRPC_PORT))
                .as("no peers: any source").isEmpty();

        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of());
        assertThat(from(rendered(detector), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY);
    }

    @Test
    void prometheusMayScrapeTheHttpPortFromAnywhere() {
        assertThat(from(rendered(detector()), DetectorResources.HTTP_PORT))
                .isEmpty();
    }

    @Test
    void aBuiltInModelLetsThePodsConnectNowhere() {
        NetworkPolicy policy = rendered(detector());

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getEgress()).as("no rule: no destination").isEmpty();
        AnomalyDetector eventsOnTheStreamOnly = detector();
        eventsOnTheStreamOnly.getSpec().getAlerts().setMinSegments(3);
        assertThat(rendered(eventsOnTheStreamOnly).getSpec().getEgress()).as("alerts without a webhook").isEmpty();
        assertThat(rendered(DesiredStateTest.detector("pvc://models/vad/model.tar.gz", "ab".repeat(32)))
                .getSpec().getEgress()).as("a model on a volume").isEmpty();
    }

    @Test
    void aFetchedModelLetsThePodsReachTheClustersDnsAndThePlatformsModelHostsOnTheFetchsPorts() {
        NetworkPolicy policy = rendered(DesiredStateTest.detector("https://models.example:8443/vad.tar.gz",
                "ab".repeat(32)));

        assertThat(policy.getSpec().getEgress()).satisfiesExactly(dns -> {
            assertThat(dns.getTo()).containsExactly(KUBE_DNS);
            assertThat(dns.getPorts()).extracting(port -> port.getProtocol() + "/" + port.getPort().getIntVal())
                    .containsExactly("UDP/53", "TCP/53");
        }, fetch -> {
            assertThat(fetch.getTo()).extracting(NetworkPolicyPeer::getIpBlock).containsExactly(PUBLIC);
            assertThat(fetch.getPorts()).extracting(port -> port.getProtocol() + "/" + port.getPort().getIntVal())
                    .as("the URL's port and https's, which a redirect may go to")
                    .containsExactly("TCP/443", "TCP/8443");
        });
    }

    @Test
    void aModelFetchedOverHttpMayAlsoReachPort80() {
        AnomalyDetector detector = DesiredStateTest.detector("http://models.example/vad.tar.gz", "ab".repeat(32));
        detector.getSpec().getModel().setAllowHttp(true);

        assertThat(rendered(detector).getSpec().getEgress().get(1).getPorts())
                .extracting(port -> port.getPort().getIntVal()).containsExactly(80, 443);
    }

    @Test
    void switchedOffByTheTenantThePolicyKeepsThePlatformsEgressRulesOnly() {
        AnomalyDetector detector = DesiredStateTest.detector("https://models.example/vad.tar.gz", "ab".repeat(32));
        detector.getSpec().getNetworkPolicy().setEnabled(false);

        NetworkPolicy policy = rendered(detector);
        assertThat(policy.getSpec().getPolicyTypes()).as("no Ingress type: any client").containsExactly("Egress");
        assertThat(policy.getSpec().getIngress()).isEmpty();
        assertThat(policy.getSpec().getEgress()).hasSize(2);
    }

    @Test
    void aWebhookLetsThePodsReachTheClustersDnsAndThePlatformsAlertReceiversOnTheUrlsPortOnly() {
        AnomalyDetector detector = withWebhook(detector(), "https://alerts.example/hook");

        assertThat(rendered(detector).getSpec().getEgress()).satisfiesExactly(dns -> {
            assertThat(dns.getTo()).containsExactly(KUBE_DNS);
            assertThat(ports(dns)).containsExactly("UDP/53", "TCP/53");
        }, receivers -> {
            assertThat(receivers.getTo()).containsExactly(ALERTING);
            assertThat(ports(receivers)).as("https's port").containsExactly("TCP/443");
        });

        assertThat(ports(rendered(withWebhook(detector(), "http://receiver.alerting.svc/hook")).getSpec()
                .getEgress().get(1))).as("http's port").containsExactly("TCP/80");
        assertThat(ports(rendered(withWebhook(detector(), "https://[2001:db8::7]:8443/hook")).getSpec()
                .getEgress().get(1))).as("the URL's own port").containsExactly("TCP/8443");
    }

    @Test
    void aFetchedModelAndAWebhookShareOneDnsRuleAndKeepTheirOwnDestinations() {
        AnomalyDetector detector = withWebhook(DesiredStateTest.detector("https://models.example/vad.tar.gz",
                "ab".repeat(32)), "http://receiver.alerting.svc:8080/hook");

        assertThat(rendered(detector).getSpec().getEgress()).satisfiesExactly(
                dns -> assertThat(dns.getTo()).containsExactly(KUBE_DNS),
                fetch -> {
                    assertThat(fetch.getTo()).extracting(NetworkPolicyPeer::getIpBlock).containsExactly(PUBLIC);
                    assertThat(ports(fetch)).containsExactly("TCP/443");
                },
                receivers -> {
                    assertThat(receivers.getTo()).containsExactly(ALERTING);
                    assertThat(ports(receivers)).containsExactly("TCP/8080");
                });
    }

    private static AnomalyDetector withWebhook(AnomalyDetector detector, String url) {
        WebhookSpec webhook = AlertsFixture.webhook(url, null);
        webhook.setAllowHttp(url.startsWith("http://"));
        detector.getSpec().getAlerts().setWebhook(webhook);
        return detector;
    }

    private static List<String> ports(NetworkPolicyEgressRule rule) {
        return rule.getPorts().stream().map(port -> port.getProtocol() + "/" + port.getPort().getIntVal()).toList();
    }

    private static NetworkPolicy rendered(AnomalyDetector detector) {
        return ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR), EGRESS);
    }

    /** The peers of the one rule for this port (an empty list admits any source). */
    private static List<NetworkPolicyPeer> from(NetworkPolicy policy, int port) {
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port))
                .toList();
        assertThat(rules).as("rules for port %d", port).hasSize(1);
        assertThat(rules.get(0).getPorts()).singleElement()
                .satisfies(p -> assertThat(p.getProtocol()).isEqualTo("TCP"));
        return rules.get(0).getFrom();
    }

    private static AnomalyDetector detector() {
        return DesiredStateTest.detector("builtin:default", null);
    }
}
