package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.refinevad.operator.crd.AlertsFixture;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.dependent.OperatorPods;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The NetworkPolicy the operator creates for a detector, on a real API server: the server accepts it as rendered
 * (with the operator's pods and the gateway on the admin port, listed clients on the scoring port, and egress to DNS
 * and the model hosts for a fetched model), and switching spec.networkPolicy.enabled off drops its ingress rules but
 * keeps the platform's egress rules, on again brings the ingress back; a webhook adds egress to the alert receivers.
 * (Nothing here enforces it: that takes a policy-capable network plugin.)
 */
class NetworkPolicyApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final OperatorPods OPERATOR_PODS = new OperatorPods("refinevad-system",
            Map.of("app.kubernetes.io/name", "refinevad-operator", "app.kubernetes.io/instance", "vad"));
    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perClass("policies").withOperatorPods(OPERATOR_PODS);

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void theApiServerAcceptsThePolicyTheOperatorRendersAndSwitchingItOffKeepsTheEgressRulesOnly() {
        AnomalyDetector detector = DetectorFixture.withModel(AnomalyDetector.class, OPERATOR.namespace(), "guarded",
                "https://models.example:8443/vad.tar.gz");
        detector.getSpec().getModel().setSha256("ab".repeat(32));
        detector.getSpec().getNetworkPolicy().setAllowedClients(List.of(new NetworkPolicyPeerBuilder()
                .withNewIpBlock().withCidr("10.20.0.0/16").endIpBlock().build()));
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            NetworkPolicy policy = policy("guarded");
            assertThat(policy).as("the stored policy").isNotNull();
            assertThat(policy.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getName()).isEqualTo("guarded"));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).anySatisfy(rule -> {
                assertThat(rule.getPorts()).singleElement().satisfies(port ->
                        assertThat(port.getPort().getIntVal()).isEqualTo(DetectorResources.ADMIN_PORT));
                assertThat(rule.getFrom()).extracting(peer -> peer.getPodSelector().getMatchLabels())
                        .as("the operator's pods and the detector's gateway")
                        .containsExactly(OPERATOR_PODS.labels(), Map.of(DetectorResources.GATEWAY_LABEL, "guarded"));
            });
            assertThat(policy.getSpec().getIngress()).anySatisfy(rule -> assertThat(rule.getFrom())
                    .anySatisfy(peer -> assertThat(peer.getIpBlock()).isNotNull()));
            assertThat(policy.getSpec().getEgress()).as("DNS, then the model hosts on 443 and 8443")
                    .extracting(rule -> rule.getPorts().size()).containsExactly(2, 2);
        });

        setEnabled("guarded", false);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            NetworkPolicy policy = policy("guarded");
            assertThat(policy.getSpec().getPolicyTypes()).as("switched off").containsExactly("Egress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
            assertThat(policy.getSpec().getEgress()).hasSize(2);
        });

        setEnabled("guarded", true);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(policy("guarded").getSpec().getPolicyTypes())
                .as("switched on").containsExactly("Ingress", "Egress"));
    }

    @Test
    void aDetectorCreatedWithThePolicyOffGetsEgressRulesOnlyAndWithABuiltInModelNone() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "open");
        detector.getSpec().getNetworkPolicy().setEnabled(false);
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            NetworkPolicy policy = policy("open");
            assertThat(policy).as("the stored policy").isNotNull();
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
            assertThat(policy.getSpec().getEgress()).as("no rule: the pods connect nowhere").isNullOrEmpty();
        });
    }

    @Test
    void aWebhookGetsEgressToTheAlertReceiversOnItsPortAndItsTokenAsASecretVolumeBothAsTheApiServerStoresThem() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "alerting");
        detector.getSpec().getAlerts().setWebhook(AlertsFixture.webhook("https://alerts.example:8443/hook",
                AlertsFixture.tokenSecret("alerting-alert-token", null)));
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            NetworkPolicy policy = policy("alerting");
            assertThat(policy).as("the stored policy").isNotNull();
            assertThat(policy.getSpec().getEgress()).as("DNS, then the alert receivers on the URL's port")
                    .satisfiesExactly(dns -> assertThat(dns.getPorts()).hasSize(2), receivers -> assertThat(
                            receivers.getPorts()).singleElement().satisfies(port ->
                                    assertThat(port.getPort().getIntVal()).isEqualTo(8443)));
        });
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment scoring = client.apps().deployments().inNamespace(OPERATOR.namespace()).withName("alerting")
                    .get();
            assertThat(scoring).as("the stored Deployment").isNotNull();
            assertThat(scoring.getSpec().getTemplate().getSpec().getVolumes())
                    .filteredOn(volume -> volume.getSecret() != null).singleElement()
                    .satisfies(volume -> assertThat(volume.getSecret().getSecretName())
                            .isEqualTo("alerting-alert-token"));
        });
    }

    private NetworkPolicy policy(String detector) {
        return client.network().v1().networkPolicies().inNamespace(OPERATOR.namespace()).withName(detector).get();
    }

    /**
     * A merge patch, which carries no resourceVersion: an edit (read, then replace that version) loses to the
     * operator writing the detector in between with 409 Conflict.
     */
    private void setEnabled(String detector, boolean enabled) {
        client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName(detector)
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"networkPolicy\":{\"enabled\":" + enabled + "}}}");
    }
}
