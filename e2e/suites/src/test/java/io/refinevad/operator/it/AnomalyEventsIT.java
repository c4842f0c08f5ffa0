package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.FEATURE_DIM;
import static io.refinevad.operator.it.OperatorTestSupport.serviceTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AlertsSpec;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.TokenSecretSpec;
import io.refinevad.operator.crd.WebhookSpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anomaly events leave the cluster as users wire them: a detector whose spec.alerts.webhook names an HTTP receiver
 * (here a server in this test, on the node's host, reached by the scoring pods at the node's address) with a bearer
 * token from a Secret; a camera streams the embedded model's golden clip through the detector's Service (and its
 * gateway), whose two anomalies (segments 9-20 and 29-31, docs/EVENTS.md) reach the receiver as CloudEvents, and
 * the first start becomes a Kubernetes Event on the detector (the second, within a minute on the same camera, is
 * held back by the operator's per-camera limit).
 */
@LocalClusterTest
class AnomalyEventsIT {

    private static final String NAME = "alerting";
    private static final String TOKEN_SECRET = "receiver-alert-token";
    private static final String TOKEN = "s3cret-token-for-the-receiver";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final ChartOperator operator = new ChartOperator("events", List.of("--set", "policy.allowHttpAlerts=true"));

    /** One request the receiver got: its CloudEvents headers, Authorization and body. */
    private record Received(Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    @Test
    void theGoldenClipsAnomaliesReachTheWebhookAndTheFirstStartIsAnEventOnTheDetector(KubernetesClient client,
            TestNamespace namespace) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        receiver.createContext("/events", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            received.add(new Received(headers, new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        receiver.start();
        try {
            client.secrets().inNamespace(namespace.name()).resource(new SecretBuilder().withNewMetadata()
                    .withName(TOKEN_SECRET).endMetadata().addToStringData("token", TOKEN).build()).create();
            client.resource(detector(namespace.name(), "http://" + nodeAddress(client) + ":"
                    + receiver.getAddress().getPort() + "/events")).create();
            StreamResult camera = stream(namespace.cluster(), client, namespace.name(), "lobby-camera");
            assertThat(camera.status().isOk()).as("the camera's stream: %s", camera.status()).isTrue();

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).hasSize(4));
            // What came by then: delivery is at least once, so a late retry must not change what is checked.
            List<Received> delivered = List.copyOf(received);
            assertThat(delivered).extracting(r -> r.header("ce-type")).containsExactly(
                    "io.refinevad.anomaly.started", "io.refinevad.anomaly.ended",
                    "io.refinevad.anomaly.started", "io.refinevad.anomaly.ended");
            assertThat(delivered).allSatisfy(r -> {
                assertThat(r.header("ce-specversion")).isEqualTo("1.0");
                assertThat(r.header("ce-subject")).isEqualTo("lobby-camera");
                assertThat(r.header("ce-source")).endsWith("/namespaces/" + namespace.name()
                        + "/anomalydetectors/" + NAME);
                assertThat(r.header("authorization")).isEqualTo("Bearer " + TOKEN);
                assertThat(r.body()).contains("lobby-camera");
            });
            assertThat(delivered).extracting(r -> r.header("ce-id")).doesNotHaveDuplicates();

            await().atMost(TIMEOUT).untilAsserted(() -> {
                List<Event> started = client.v1().events().inNamespace(namespace.name()).list().getItems().stream()
                        .filter(e -> "AnomalyStarted".equals(e.getReason())
                                && NAME.equals(e.getInvolvedObject().getName()))
                        .toList();
                assertThat(started).hasSize(1);
                assertThat(started.get(0).getMessage()).startsWith("camera lobby-camera: anomaly started at segment 9");
            });
        } finally {
            receiver.stop(0);
        }
    }

    private static AnomalyDetector detector(String namespace, String url) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace, NAME);
        WebhookSpec webhook = new WebhookSpec();
        webhook.setUrl(url);
        webhook.setAllowHttp(true);
        TokenSecretSpec token = new TokenSecretSpec();
        token.setName(TOKEN_SECRET);
        webhook.setTokenSecret(token);
        AlertsSpec alerts = new AlertsSpec();
        alerts.setWebhook(webhook);
        detector.getSpec().setAlerts(alerts);
        return detector;
    }

    /** The golden clip once, at 10 segments a second, through the detector's Service. */
    private static StreamResult stream(LocalCluster cluster, KubernetesClient client, String namespace, String camera)
            throws Exception {
        NpyFloatMatrix clip = NpyFloatMatrix.read(
                cluster.repository().resolve("model/default/export/golden/stream_x.npy"));
        try (ScoringClient scoring = new ScoringClient(serviceTarget(client, namespace, NAME))) {
            return scoring.stream(camera, clip.values(), clip.shape()[0], FEATURE_DIM, 10).get(120, TimeUnit.SECONDS);
        }
    }

    /** The node's address: where the scoring pods reach this host. */
    private static String nodeAddress(KubernetesClient client) {
        return client.nodes().list().getItems().get(0).getStatus().getAddresses().stream()
                .filter(address -> "InternalIP".equals(address.getType())).map(NodeAddress::getAddress)
                .findFirst().orElseThrow();
    }
}
