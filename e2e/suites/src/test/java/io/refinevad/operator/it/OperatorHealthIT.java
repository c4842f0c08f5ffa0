package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.PackagedApp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator's health follows JOSDK's real state. Started under a ServiceAccount whose role lets it
 * watch detectors but not the Deployments, ConfigMaps and Services it manages (RBAC denied, as with a chart whose
 * ClusterRole is out of date), its start fails: /q/health/ready and /q/health/live answer 503 with the API's
 * "forbidden", and stay so, instead of a Ready pod that reconciles nothing. Started with the rights it needs, the
 * same jar is UP on both.
 *
 * <p>The denied role is the robust way to fail the start here: the CRD is cluster-wide and shared by every suite
 * of the run, so a "CRD missing" case cannot delete it (that case runs against a bare API server of its own,
 * OperatorRunApiServerIT in the operator module).
 */
@LocalClusterTest
class OperatorHealthIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String ACCOUNT = "detectors-only";
    private static String clusterRole;

    @BeforeAll
    static void installCrdAndARoleThatMayOnlyWatchDetectors(LocalCluster cluster, TestNamespace namespace)
            throws IOException {
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
        KubernetesClient admin = cluster.admin();
        clusterRole = namespace.name() + "-" + ACCOUNT;
        admin.serviceAccounts().inNamespace(namespace.name()).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName(ACCOUNT).endMetadata().build()).create();
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(clusterRole)
                .endMetadata()
                .addNewRule().withApiGroups("refinevad.io").withResources("anomalydetectors")
                .withVerbs("get", "list", "watch", "patch", "update").endRule()
                .addNewRule().withApiGroups("refinevad.io").withResources("anomalydetectors/status")
                .withVerbs("get", "patch", "update").endRule()
                .build()).create();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName(clusterRole).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(clusterRole).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(ACCOUNT).withNamespace(namespace.name())
                .endSubject().build()).create();
    }

    /** Cluster-scoped, so not removed with the test's namespace. */
    @AfterAll
    static void removeTheRole(LocalCluster cluster) {
        if (clusterRole != null) {
            cluster.admin().rbac().clusterRoleBindings().withName(clusterRole).delete();
            cluster.admin().rbac().clusterRoles().withName(clusterRole).delete();
        }
    }

    @Test
    void anOperatorDeniedTheResourcesItManagesIsNeitherReadyNorAlive(LocalCluster cluster, TestNamespace namespace)
            throws Exception {
        Path kubeconfig = cluster.kubeconfigFor(namespace.name(), ACCOUNT);
        int port = PackagedApp.freePort();
        try (PackagedApp operator = start(cluster, kubeconfig, port, "operator-denied.log")) {
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(operator.log()).contains("The operator failed to start"));

            HttpResponse<String> ready = get(port, "/q/health/ready");
            assertThat(ready.statusCode()).as("readiness: %s", ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("DOWN", "the operator failed to start", "forbidden");
            HttpResponse<String> live = get(port, "/q/health/live");
            assertThat(live.statusCode()).as("liveness: %s", live.body()).isEqualTo(503);
            assertThat(live.body()).contains("the operator failed to start", "forbidden");
            assertThat(operator.log().split("The operator failed to start", -1))
                    .as("the failed start is logged once").hasSize(2);
            // A failed start is final for this process (JOSDK stopped it): asked again, the answer is the same.
            assertThat(get(port, "/q/health/ready").statusCode()).isEqualTo(503);
            assertThat(operator.isAlive()).as("the process keeps serving its health").isTrue();
        }
    }

    @Test
    void theSameOperatorWithTheRightsItNeedsIsReadyAndAlive(LocalCluster cluster) throws Exception {
        int port = PackagedApp.freePort();
        try (PackagedApp operator = start(cluster, cluster.kubeconfig(), port, "operator-allowed.log")) {
            await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> ready = get(port, "/q/health/ready");
                assertThat(ready.statusCode()).as("readiness: %s", ready.body()).isEqualTo(200);
            });
            HttpResponse<String> live = get(port, "/q/health/live");
            assertThat(live.statusCode()).as("liveness: %s", live.body()).isEqualTo(200);
            assertThat(operator.log()).doesNotContain("The operator failed to start");
        }
    }

    private static PackagedApp start(LocalCluster cluster, Path kubeconfig, int port, String log) throws IOException {
        return OperatorTestSupport.packagedOperator(cluster, kubeconfig, port, log).start();
    }
}
