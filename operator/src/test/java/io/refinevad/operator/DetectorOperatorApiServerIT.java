package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.dependent.ServerConfigMapDependent;
import io.refinevad.operator.reconciler.AnomalyDetectorReconciler;
import io.refinevad.operator.status.StatusAggregator;
import io.refinevad.testsupport.DetectorFixture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler as JOSDK runs it, against a real API server (kube-api-test) rather than the local cluster: the
 * paths that need the API's answers but no running pods. A pass that the API rejects is marked Degraded
 * ReconcileFailed with the API's message, a Warning event and an error count; an edited spec reaches the server's
 * ConfigMap, applied; a deleted detector's finalizer is removed and its scaling history dropped.
 */
class DetectorOperatorApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String POLICY_MESSAGE = "scoring Deployments are forbidden in this namespace (test policy)";
    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perTest("test");

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void aPassTheApiRejectsIsDegradedReconcileFailedWithAWarningEventAndAnErrorCount() {
        forbidDeploymentsInTheNamespace();

        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "blocked")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Condition degraded = condition(live("blocked"), ConditionType.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo(StatusAggregator.RECONCILE_FAILED);
            assertThat(degraded.getMessage()).startsWith("reconciliation failed: ").contains(POLICY_MESSAGE);
        });
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(warnings("blocked"))
                .anySatisfy(event -> {
                    assertThat(event.getReason()).isEqualTo(StatusAggregator.RECONCILE_FAILED);
                    assertThat(event.getMessage()).contains(POLICY_MESSAGE);
                }));
        Timer failures = OPERATOR.meters().find("refinevad_operator_reconcile").tag("outcome", "error").timer();
        assertThat(failures).as("the error count").isNotNull();
        assertThat(failures.count()).isPositive();
    }

    @Test
    void anEditedSpecReachesTheServersConfigMapThroughServerSideApply() {
        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "tuned")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(serverProperties("tuned"))
                .contains("refinevad.batching.max-batch-size=32"));

        client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("tuned")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"runtime\": {\"maxBatchSize\": 7}}}");

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(serverProperties("tuned"))
                .contains("refinevad.batching.max-batch-size=7"));
        // Applied (a PATCH), never replaced (a PUT, which the chart's RBAC does not grant for ConfigMaps).
        assertThat(configMap("tuned").getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getOperation)
                .containsOnly("Apply");
    }

    private ConfigMap configMap(String detector) {
        return client.configMaps().inNamespace(OPERATOR.namespace())
                .withName(detector + DetectorResources.CONFIG_SUFFIX).get();
    }

    private String serverProperties(String detector) {
        ConfigMap configMap = configMap(detector);
        assertThat(configMap).as("the server's ConfigMap").isNotNull();
        return configMap.getData().get(ServerConfigMapDependent.FILE);
    }

    @Test
    void aDeletedDetectorLosesItsFinalizerAndItsScalingHistory() {
        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "brief")).create();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector detector = live("brief");
            assertThat(detector.getMetadata().getFinalizers()).contains(AnomalyDetectorReconciler.FINALIZER);
            assertThat(detector.getStatus()).as("reconciled").isNotNull();
            assertThat(scalingHistories()).isEqualTo(1);
        });

        client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("brief").delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("brief")
                    .get())
                    .as("the detector, once its finalizer is removed").isNull();
            assertThat(scalingHistories()).isZero();
        });
    }

    /**
     * A ValidatingAdmissionPolicy that rejects every Deployment in the test's namespace, as a cluster's policy
     * might; it is in force once a dry-run Deployment is rejected (policies load asynchronously).
     */
    private void forbidDeploymentsInTheNamespace() {
        String policy = """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: no-deployments-in-%1$s}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
                  validations:
                    - {expression: "false", message: "%2$s"}
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: no-deployments-in-%1$s}
                spec:
                  policyName: no-deployments-in-%1$s
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: %1$s}}
                """.formatted(OPERATOR.namespace(), POLICY_MESSAGE);
        client.load(new ByteArrayInputStream(policy.getBytes(StandardCharsets.UTF_8))).create();
        Deployment probe = new DeploymentBuilder().withNewMetadata().withName("probe").endMetadata().withNewSpec()
                .withNewSelector().addToMatchLabels("app", "probe").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "probe").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .endTemplate().endSpec().build();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThatThrownBy(() ->
                client.apps().deployments().inNamespace(OPERATOR.namespace()).resource(probe).dryRun().create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining(POLICY_MESSAGE));
    }

    private AnomalyDetector live(String name) {
        AnomalyDetector detector = client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace())
                .withName(name).get();
        assertThat(detector).as("detector %s", name).isNotNull();
        return detector;
    }

    private static Condition condition(AnomalyDetector detector, String type) {
        assertThat(detector.getStatus()).as("status").isNotNull();
        return detector.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet"));
    }

    private List<Event> warnings(String detector) {
        return client.v1().events().inNamespace(OPERATOR.namespace()).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()) && detector.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private double scalingHistories() {
        Gauge gauge = OPERATOR.meters().find("refinevad_operator_scaling_histories").gauge();
        assertThat(gauge).as("the scaling-history gauge").isNotNull();
        return gauge.value();
    }
}
