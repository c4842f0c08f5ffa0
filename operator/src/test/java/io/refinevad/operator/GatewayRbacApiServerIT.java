package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.reconciler.OperatorSettings;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Helm chart's RBAC for the gateway, on a real API server's authorizer: the operator, running under the chart's
 * ServiceAccount and its namespace-scoped Roles (impersonated), watching the namespaces the chart names, creates a
 * detector's gateway ServiceAccount, RoleBinding and Deployment; it may bind the gateways' ClusterRole, which its
 * Roles grant by name, and no other (not even a copy of it under another name); and a gateway's ServiceAccount may
 * watch EndpointSlices in its detector's namespace and do nothing else.
 */
class GatewayRbacApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DETECTORS = "cameras";
    @RegisterExtension
    static final ApiServer API = ApiServer.withCrd();
    private static KubernetesClient admin;
    private static KubernetesClient asOperator;
    private static DetectorOperator operator;
    private static String gatewayRole;

    @BeforeAll
    static void installTheChartsRbacAndStartTheOperatorUnderIt() throws Exception {
        admin = API.client();
        API.createNamespace(HelmChart.NAMESPACE);
        API.createNamespace(DETECTORS);
        API.createNamespace("elsewhere");
        String operatorAccount = null;
        WatchedNamespaces watched = null;
        for (HasMetadata object : HelmChart.template(admin, "--set", "watchNamespaces={" + DETECTORS + ",elsewhere}")) {
            if (object instanceof ClusterRole || object instanceof Role || object instanceof RoleBinding
                    || object instanceof ServiceAccount) {
                admin.resource(object).create();
            }
            if (object instanceof ServiceAccount) {
                operatorAccount = object.getMetadata().getName();
            }
            if (object instanceof Deployment deployment) {
                gatewayRole = environment(deployment, "REFINEVAD_OPERATOR_GATEWAY_CLUSTER_ROLE");
                watched = WatchedNamespaces.of(Optional.of(
                        List.of(environment(deployment, "REFINEVAD_OPERATOR_WATCH_NAMESPACES").split(","))));
            }
        }
        assertThat(watched).isEqualTo(new WatchedNamespaces(Set.of(DETECTORS, "elsewhere")));
        assertThat(admin.rbac().clusterRoles().withName(gatewayRole).get())
                .as("the ClusterRole the chart tells the operator, %s, is one the chart installs", gatewayRole)
                .isNotNull();
        asOperator = impersonating(HelmChart.NAMESPACE, operatorAccount);
        operator = new DetectorOperator(asOperator, new SimpleMeterRegistry(), new OperatorSettings(
                Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty(), ProductImages.AS_BUILT, gatewayRole,
                DetectorPolicies.unrestricted()),
                Optional.empty(), watched);
        operator.start();
    }

    @AfterAll
    static void stopTheOperator() {
        try {
            API.deleteDetectors(DETECTORS);
        } finally {
            operator.close();
            asOperator.close();
        }
    }

    @Test
    void theOperatorUnderTheChartsRoleDeploysTheGatewayAndItsServiceAccountMayWatchOnlyEndpointSlicesThere() {
        admin.resource(DetectorFixture.minimal(AnomalyDetector.class, DETECTORS, "lobby")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(admin.apps().deployments().inNamespace(DETECTORS).withName("lobby-gateway").get()).isNotNull();
            RoleBinding binding = admin.rbac().roleBindings().inNamespace(DETECTORS).withName("lobby-gateway").get();
            assertThat(binding).as("the gateway's RoleBinding").isNotNull();
            assertThat(binding.getRoleRef().getName()).isEqualTo(gatewayRole);
        });

        try (KubernetesClient gateway = impersonating(DETECTORS, "lobby-gateway")) {
            assertThat(gateway.discovery().v1().endpointSlices().inNamespace(DETECTORS).list().getItems())
                    .as("its own namespace's EndpointSlices").isNotNull();
            assertForbidden(() -> gateway.discovery().v1().endpointSlices().inNamespace("elsewhere").list());
            assertForbidden(() -> gateway.pods().inNamespace(DETECTORS).list());
            assertForbidden(() -> gateway.secrets().inNamespace(DETECTORS).list());
        }
    }

    @Test
    void theOperatorMayBindTheGatewaysRoleAndNoOtherNotEvenOneThatGrantsTheSame() {
        asOperator.resource(binding("gateway-role", gatewayRole)).create();

        ClusterRole twin = new ClusterRoleBuilder(admin.rbac().clusterRoles().withName(gatewayRole).get())
                .editMetadata().withName("endpointslice-reader").withResourceVersion(null).withUid(null)
                .withCreationTimestamp(null).withManagedFields(List.of()).endMetadata().build();
        admin.resource(twin).create();
        // (Not view or edit: their rules are aggregated by a controller this bare API server does not run, so they
        // grant nothing here and anyone may bind them.)
        for (String other : List.of("endpointslice-reader", "cluster-admin")) {
            assertForbidden(() -> asOperator.resource(binding("other-" + other, other)).create());
        }
    }

    private static String environment(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(env -> env.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    private static RoleBinding binding(String name, String clusterRole) {
        return new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace("elsewhere").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(clusterRole).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("anyone").withNamespace("elsewhere").endSubject()
                .build();
    }

    private static void assertForbidden(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }

    /** A client that acts as this ServiceAccount, as the API server would see its pod's token. */
    private static KubernetesClient impersonating(String namespace, String serviceAccount) {
        Config config = new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount)
                .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace,
                        "system:authenticated")
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
