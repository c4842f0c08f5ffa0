package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<Process> replicas = new ArrayList<>();
    private static final List<Integer> httpPorts = new ArrayList<>();

    @BeforeAll
    static void startTwoReplicas(LocalCluster cluster, TestNamespace namespace) throws Exception {
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
        Path jar = cluster.repository().resolve("operator/target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("the operator is packaged (./mvnw package -pl operator -am)").exists();
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            Path log = cluster.repository().resolve("operator/target/operator-replica-" + i + ".log");
            ProcessBuilder builder = new ProcessBuilder("java",
                    "-Dquarkus.http.port=" + port,
                    "-Drefinevad.operator.poll-interval=1s",
                    "-Drefinevad.operator.leader-election.namespace=" + namespace.name(),
                    "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
            replicas.add(builder.start());
            httpPorts.add(port);
        }
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        replicas.forEach(Process::destroy);
        for (Process replica : replicas) {
            if (!replica.waitFor(20, TimeUnit.SECONDS)) {
                replica.destroyForcibly();
            }
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

        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector detector = client.resources(AnomalyDetector.class).inNamespace(namespace.name())
                    .withName("app").get();
            assertThat(detector.getStatus()).isNotNull();
            assertThat(detector.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo(ConditionType.READY);
                assertThat(c.getStatus()).isEqualTo("True");
            });
        });
        var lease = client.leases().inNamespace(namespace.name()).withName("refinevad-operator").get();
        assertThat(lease).as("the leader election lease").isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
        long leadersReconciling = httpPorts.stream()
                .filter(port -> metrics(port).contains("refinevad_operator_reconcile_seconds_count{outcome=\"ok\""))
                .count();
        assertThat(leadersReconciling).as("exactly one replica reconciles").isEqualTo(1);
    }

    private static String metrics(int port) {
        try {
            return get(port, "/q/metrics").body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
