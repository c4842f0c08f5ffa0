package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scoring pods' NetworkPolicy, port by port, as rendered from a detector and the operator's own pods. */
class ScoringNetworkPolicyTest {

    private static final OperatorPods OPERATOR = new OperatorPods("vad-system",
            Map.of("app.kubernetes.io/name", "refinevad-operator", "app.kubernetes.io/instance", "vad"));
    private static final NetworkPolicyPeer GATEWAY = new NetworkPolicyPeerBuilder().withNewPodSelector()
            .addToMatchLabels("refinevad.io/gateway-for", "cams").endPodSelector().build();

    @Test
    void theAdminPortAdmitsTheOperatorsPodsAndTheGatewaysThatPlaceStreamsByLoad() {
        NetworkPolicy policy = ScoringNetworkPolicy.of(detector(), Optional.of(OPERATOR));

        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("refinevad.io/detector", "cams", "app.kubernetes.io/component", "scorer"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
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

        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR)), DetectorResources.ADMIN_PORT))
                .singleElement().satisfies(peer ->
                        assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(OPERATOR.labels()));
    }

    @Test
    void anOperatorThatDoesNotKnowItsPodsLeavesTheAdminPortToTheGatewayAndWithoutOneToNobody() {
        AnomalyDetector detector = detector();
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.empty()), DetectorResources.ADMIN_PORT))
                .containsExactly(GATEWAY);

        detector.getSpec().getGateway().setEnabled(false);
        assertThat(ScoringNetworkPolicy.of(detector, Optional.empty()).getSpec().getIngress())
                .as("no rule for the admin port: a rule without peers would admit everyone")
                .flatExtracting(NetworkPolicyIngressRule::getPorts)
                .extracting(port -> port.getPort().getIntVal())
                .containsExactlyInAnyOrder(DetectorResources.GRPC_PORT, DetectorResources.HTTP_PORT);
    }

    @Test
    void byDefaultTheScoringPortAdmitsTheGatewayAndThePodsOfTheDetectorsNamespace() {
        NetworkPolicy policy = ScoringNetworkPolicy.of(detector(), Optional.of(OPERATOR));

        assertThat(from(policy, DetectorResources.GRPC_PORT)).containsExactly(GATEWAY,
                new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build());
    }

    @Test
    void listedClientsReplaceTheNamespaceDefaultAndAnEmptyListLeavesTheGatewayAlone() {
        AnomalyDetector detector = detector();
        NetworkPolicyPeer cameras = new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr("10.20.0.0/16")
                .endIpBlock().build();
        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of(cameras));
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR)), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY, cameras);

        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of());
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR)), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY);
    }

    @Test
    void aServiceExposedOutsideTheClusterAdmitsAnyClientUnlessClientsAreListed() {
        AnomalyDetector detector = detector();
        detector.getSpec().getService().setType(ServiceSpec.Type.LoadBalancer);
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR)), DetectorResources.GRPC_PORT))
                .as("no peers: any source").isEmpty();

        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of());
        assertThat(from(ScoringNetworkPolicy.of(detector, Optional.of(OPERATOR)), DetectorResources.GRPC_PORT))
                .containsExactly(GATEWAY);
    }

    @Test
    void prometheusMayScrapeTheHttpPortFromAnywhere() {
        assertThat(from(ScoringNetworkPolicy.of(detector(), Optional.of(OPERATOR)), DetectorResources.HTTP_PORT))
                .isEmpty();
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
