package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.crd.GatewaySpec;
import io.refinevad.operator.crd.GatewayTlsSpec;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.reconciler.OperatorSettings;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway the operator deploys for a detector, on a real API server (no nodes, so no pod runs): its Deployment,
 * PodDisruptionBudget, ServiceAccount and RoleBinding as stored, the detector's Service in front of the gateway pods,
 * TLS Secrets mounted when the spec names them, the CRD's rules refusing a bad spec.gateway at create time, and
 * spec.gateway.enabled: false deleting every gateway object and pointing the Service at the scoring pods.
 */
class GatewayApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perClass("gateways");

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void aDetectorGetsAGatewayWhichItsServiceSelects() {
        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "lobby")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment gateway = deployment("lobby-gateway");
            assertThat(gateway).as("the gateway Deployment").isNotNull();
            assertThat(gateway.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getName()).isEqualTo("lobby"));
            assertThat(gateway.getSpec().getReplicas()).isEqualTo(2);
            assertThat(gateway.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("lobby-gateway");
            assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo(ProductImages.AS_BUILT.gateway());
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace(OPERATOR.namespace())
                    .withName("lobby-gateway").get().getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(client.serviceAccounts().inNamespace(OPERATOR.namespace()).withName("lobby-gateway").get())
                    .isNotNull();
            RoleBinding binding = client.rbac().roleBindings().inNamespace(OPERATOR.namespace())
                    .withName("lobby-gateway").get();
            assertThat(binding.getRoleRef().getName()).isEqualTo(OperatorSettings.CHART_GATEWAY_CLUSTER_ROLE);
            assertThat(binding.getSubjects()).singleElement()
                    .satisfies(subject -> assertThat(subject.getName()).isEqualTo("lobby-gateway"));
            assertThat(service("lobby").getSpec().getSelector())
                    .isEqualTo(Map.of(DetectorResources.GATEWAY_LABEL, "lobby", "app.kubernetes.io/component",
                            "gateway"));
            assertThat(service("lobby-pods").getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getName()).as("the gateway's discovery port").isEqualTo("grpc"));
            assertThat(deployment("lobby").getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/component", "scorer");
        });
        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector live = detector("lobby");
            assertThat(live.getStatus()).as("reconciled").isNotNull();
            assertThat(live.getStatus().getEndpoint()).isEqualTo("lobby." + OPERATOR.namespace() + ".svc:9000");
            assertThat(condition(live, ConditionType.GATEWAY_READY).getMessage())
                    .as("no nodes here, so no pod is ever ready").isEqualTo("0 of 2 gateway pods ready");
            assertThat(condition(live, ConditionType.SCALING).getMessage())
                    .as("the reconciler observes the scoring Deployment (1 replica), not the gateway's (2)")
                    .startsWith("1 replicas, 0 ready, 1 wanted");
            assertThat(condition(live, ConditionType.DEGRADED).getReason()).isNotEqualTo("ReconcileFailed");
        });
    }

    @Test
    void tlsSecretsAreMountedIntoTheGatewayPods() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "secure");
        detector.getSpec().getGateway().setTls(tls("secure-tls", "camera-ca"));
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Deployment gateway = deployment("secure-gateway");
            assertThat(gateway).isNotNull();
            assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null)
                    .extracting(Volume::getName, v -> v.getSecret().getSecretName())
                    .containsExactly(tuple("tls", "secure-tls"),
                            tuple("client-ca", "camera-ca"));
            assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .extracting(e -> e.getName() + "=" + e.getValue())
                    .contains("REFINEVAD_GATEWAY_TLS_CERT_DIR=/etc/refinevad/gateway-tls",
                            "REFINEVAD_GATEWAY_TLS_CLIENT_CA_DIR=/etc/refinevad/gateway-client-ca");
        });
    }

    @Test
    void theCrdRefusesABadGatewayWithAMessageThatSaysWhatToFix() {
        assertRefused("mtls-only", gateway -> gateway.setTls(tls(null, "camera-ca")),
                "gateway.tls.clientCaSecretName needs gateway.tls.secretName: client certificates (mTLS) are asked"
                        + " for only over TLS, so name the kubernetes.io/tls Secret of the gateway's own certificate"
                        + " too");
        assertRefused("no-replicas", gateway -> gateway.setReplicas(0), "spec.gateway.replicas");
        assertRefused("many-replicas", gateway -> gateway.setReplicas(17), "spec.gateway.replicas");
        assertRefused("no-streams", gateway -> gateway.setStreamLimit(0), "spec.gateway.streamLimit");
    }

    @Test
    void disablingTheGatewayDeletesItAndPointsTheServiceAtTheScoringPods() {
        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "hall")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(deployment("hall-gateway")).isNotNull());

        client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("hall")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"gateway\":{\"enabled\":false}}}");

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(deployment("hall-gateway")).as("the gateway Deployment").isNull();
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace(OPERATOR.namespace())
                    .withName("hall-gateway").get()).as("its PodDisruptionBudget").isNull();
            assertThat(client.serviceAccounts().inNamespace(OPERATOR.namespace()).withName("hall-gateway").get())
                    .as("its ServiceAccount").isNull();
            assertThat(client.rbac().roleBindings().inNamespace(OPERATOR.namespace()).withName("hall-gateway")
                    .get()).as("its RoleBinding").isNull();
            assertThat(service("hall").getSpec().getSelector())
                    .isEqualTo(Map.of(DetectorResources.DETECTOR_LABEL, "hall", "app.kubernetes.io/component",
                            "scorer"));
            assertThat(condition(detector("hall"), ConditionType.GATEWAY_READY).getReason()).isEqualTo("Disabled");
            assertThat(deployment("hall")).as("the scoring Deployment stays").isNotNull();
        });
    }

    private void assertRefused(String name, Consumer<GatewaySpec> change, String message) {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), name);
        change.accept(detector.getSpec().getGateway());
        assertThatThrownBy(() -> client.resource(detector).create()).as(name)
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining(message);
    }

    private static GatewayTlsSpec tls(String secretName, String clientCaSecretName) {
        GatewayTlsSpec tls = new GatewayTlsSpec();
        tls.setSecretName(secretName);
        tls.setClientCaSecretName(clientCaSecretName);
        return tls;
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(OPERATOR.namespace()).withName(name).get();
    }

    private Service service(String name) {
        return client.services().inNamespace(OPERATOR.namespace()).withName(name).get();
    }

    private AnomalyDetector detector(String name) {
        return client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName(name).get();
    }

    private static Condition condition(AnomalyDetector detector, String type) {
        assertThat(detector.getStatus()).as("reconciled").isNotNull();
        return detector.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet"));
    }
}
