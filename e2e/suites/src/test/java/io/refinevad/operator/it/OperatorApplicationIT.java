package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.testsupport.PackagedApp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, run as users run it (java -jar against the current kubeconfig), twice with leader
 * election: one replica leads and reconciles, both answer health checks, the leader's metrics count its work.
 */
@LocalClusterTest
class OperatorApplicationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<PackagedApp> replicas = new ArrayList<>();
    private static final List<Integer> httpPorts = new ArrayList<>();

    @BeforeAll
    static void startTwoReplicas(LocalCluster cluster, TestNamespace namespace) throws Exception {
        OperatorTestSupport.installClusterResources(cluster);
        for (int i = 0; i < 2; i++) {
            int port = PackagedApp.freePort();
            replicas.add(OperatorTestSupport.packagedOperator(cluster, cluster.kubeconfig(), port,
                            "operator-replica-" + i + ".log")
                    .property("refinevad.operator.poll-interval", "1s")
                    .property("refinevad.operator.leader-election.namespace", namespace.name())
                    .start());
            httpPorts.add(port);
        }
    }

    @AfterAll
    static void stopReplicas(KubernetesClient client, TestNamespace namespace) throws InterruptedException {
        OperatorTestSupport.deleteDetectors(client, namespace.name());
        for (PackagedApp replica : replicas) {
            replica.close();
        }
    }

    @Test
    void theLeaderReconcilesAndBothReplicasAreHealthy(KubernetesClient client, TestNamespace namespace) {
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            for (int port : httpPorts) {
                assertThat(get(port, "/q/health/live").statusCode()).isEqualTo(200);
            }
        });
        client.resource(OperatorTestSupport.detector(namespace.name(), "app")).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(OperatorTestSupport.condition(
                OperatorTestSupport.status(client, namespace.name(), "app"), ConditionType.READY).getStatus())
                .isEqualTo("True"));
        var lease = client.leases().inNamespace(namespace.name()).withName("refinevad-operator").get();
        assertThat(lease).as("the leader election lease").isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
        long leadersReconciling = httpPorts.stream()
                .filter(port -> metrics(port).contains("refinevad_operator_reconcile_seconds_count{outcome=\"ok\""))
                .count();
        assertThat(leadersReconciling).as("exactly one replica reconciles").isEqualTo(1);
        // The standby must be Ready too: a rolling update of the chart's two replicas waits for the new pod to be
        // Ready before it stops an old one, and a new pod is a standby while the old leader holds the lease.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            for (int port : httpPorts) {
                assertThat(get(port, "/q/health/ready").statusCode()).as("readiness on port %d", port)
                        .isEqualTo(200);
            }
        });
    }

    /** The replica's Prometheus exposition; a replica that cannot answer fails the test (it must be up). */
    private static String metrics(int port) {
        try {
            HttpResponse<String> response = get(port, "/q/metrics");
            assertThat(response.statusCode()).as("GET /q/metrics on port %d", port).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("the replica on port " + port + " did not answer /q/metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
