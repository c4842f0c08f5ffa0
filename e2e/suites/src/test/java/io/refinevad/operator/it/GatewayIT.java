package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.FEATURE_DIM;
import static io.refinevad.operator.it.OperatorTestSupport.condition;
import static io.refinevad.operator.it.OperatorTestSupport.grpcTarget;
import static io.refinevad.operator.it.OperatorTestSupport.randomFeatures;
import static io.refinevad.operator.it.OperatorTestSupport.readyPods;
import static io.refinevad.operator.it.OperatorTestSupport.serviceTarget;
import static io.refinevad.operator.it.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.client.ChannelSecurity;
import io.refinevad.client.Features;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.crd.GatewayTlsSpec;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.testsupport.Certificates;
import io.refinevad.testsupport.Pods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream gateway the operator deploys for a detector, on the real node, with the operator installed by the chart
 * (whose ClusterRole lets the gateway's ServiceAccount watch EndpointSlices): cameras reach the detector only
 * through its Service's ClusterIP (status.endpoint's Service), which kube-proxy sends to a gateway pod; the gateway
 * spreads their streams over the scoring pods, carries them through a scoring pod's deletion with no help from the
 * client (one target, so the client itself could not move a stream), and a gateway pod's deletion costs the Java
 * client nothing (it resumes through the Service on the other replica). grpcurl, with no client logic at all, streams
 * through it too. Every answer equals the one an undisturbed stream straight to a scoring pod gets (1e-4). Last, the
 * detector is given TLS Secrets (a server certificate and a CA for cameras' certificates): the gateway rolls out
 * serving mutual TLS, and only a camera that trusts its CA and shows a certificate of the cameras' CA is answered.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

    private static final String NAME = "lobby";
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final int SCORING_PODS = 3;
    private static final int SEGMENTS = 200;
    private static final double RATE = 10;
    private static final float TOLERANCE = 1e-4f;
    private static final float[] FEATURES = randomFeatures(SEGMENTS, 23);
    @RegisterExtension
    static final ChartOperator operator = new ChartOperator("gateway");
    /** The scores of {@link #FEATURES} streamed straight to one scoring pod, undisturbed. */
    private static float[] reference;

    @BeforeAll
    static void createDetector(KubernetesClient client, TestNamespace namespace) throws Exception {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), NAME);
        detector.getSpec().setReplicas(SCORING_PODS);
        client.resource(detector).create();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetectorStatus status = status(client, namespace.name(), NAME);
            assertThat(condition(status, ConditionType.READY).getStatus()).as("Ready").isEqualTo("True");
            assertThat(condition(status, ConditionType.GATEWAY_READY).getMessage()).contains("2 of 2");
        });
        try (ScoringClient direct = new ScoringClient(grpcTarget(readyPods(client, namespace.name(), NAME).get(0)))) {
            StreamResult result = direct.stream("reference", FEATURES, SEGMENTS, FEATURE_DIM, 0)
                    .get(60, TimeUnit.SECONDS);
            assertThat(result.status().isOk()).as("%s", result.status()).isTrue();
            reference = result.scores();
        }
    }

    @Test
    @Order(1)
    void theDetectorsEndpointIsItsGatewayWhichSpreadsStreamsOverTheScoringPods(KubernetesClient client,
            TestNamespace namespace) throws Exception {
        AnomalyDetectorStatus status = status(client, namespace.name(), NAME);
        assertThat(status.getEndpoint()).isEqualTo(NAME + "." + namespace.name() + ".svc:9000");
        Service service = client.services().inNamespace(namespace.name()).withName(NAME).get();
        assertThat(service.getSpec().getSelector()).containsEntry(DetectorResources.GATEWAY_LABEL, NAME)
                .containsEntry("app.kubernetes.io/component", "gateway");

        int cameras = 12;
        try (ScoringClient scoring = new ScoringClient(serviceTarget(client, namespace.name(), NAME))) {
            List<CompletableFuture<StreamResult>> streams = stream(scoring, "spread", cameras);
            // Two gateway replicas place independently, each on load reports and its own count: near even, not exact.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(streamsPerPod(client, namespace))
                    .hasSize(SCORING_PODS).allSatisfy(streamsOnPod -> assertThat(streamsOnPod).isBetween(2, 6))
                    .satisfies(all -> assertThat(all.stream().mapToInt(Integer::intValue).sum()).isEqualTo(cameras)));
            assertAllAnsweredAsTheReference(streams);
        }
    }

    @Test
    @Order(2)
    void aScoringPodDeletedUnderLoadCostsTheCamerasNothing(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        try (ScoringClient scoring = new ScoringClient(serviceTarget(client, namespace.name(), NAME))) {
            List<CompletableFuture<StreamResult>> streams = stream(scoring, "drained", 6);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(streamsPerPod(client, namespace))
                    .allSatisfy(streamsOnPod -> assertThat(streamsOnPod).isPositive()));
            Pod victim = readyPods(client, namespace.name(), NAME).get(0);
            // A graceful delete: the pod drains, hands its streams back to the gateway, which re-opens them elsewhere.
            client.pods().inNamespace(namespace.name()).withName(victim.getMetadata().getName()).delete();
            assertAllAnsweredAsTheReference(streams);
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyPods(client, namespace.name(), NAME))
                .hasSize(SCORING_PODS));
    }

    @Test
    @Order(3)
    void aGatewayPodDeletedUnderLoadCostsTheJavaClientNothing(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        try (ScoringClient scoring = new ScoringClient(serviceTarget(client, namespace.name(), NAME))) {
            List<CompletableFuture<StreamResult>> streams = stream(scoring, "resumed", 6);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(streamsPerPod(client, namespace)
                    .stream().mapToInt(Integer::intValue).sum()).as("streams open on the scoring pods").isEqualTo(6));
            Pod victim = gatewayPods(client, namespace).get(0);
            // Its streams end UNAVAILABLE; the client re-opens them through the Service, replaying the window, on
            // the other replica (kube-proxy no longer sends new connections to a terminating pod).
            client.pods().inNamespace(namespace.name()).withName(victim.getMetadata().getName()).delete();
            assertAllAnsweredAsTheReference(streams);
        }
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(status(client, namespace.name(), NAME),
                ConditionType.GATEWAY_READY).getMessage()).contains("2 of 2"));
    }

    @Test
    @Order(4)
    void grpcurlStreamsThroughTheGatewayWithNoClientLogic(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        Path golden = cluster.repository().resolve("model/default/export/golden");
        NpyFloatMatrix clip = NpyFloatMatrix.read(golden.resolve("stream_x.npy"));
        float[] expected = NpyFloatMatrix.read(golden.resolve("stream_scores.npy")).values();
        Path messages = Files.createTempFile(Path.of("target").toAbsolutePath(), "grpcurl-", ".json");
        Files.writeString(messages, grpcurlStream("grpcurl-camera", clip));

        ClusterTools.Result result = ClusterTools.call(cluster, messages, "grpcurl", "-plaintext", "-d", "@",
                serviceTarget(client, namespace.name(), NAME), "refinevad.v1.Scoring/StreamScores");

        assertThat(result.exit()).as(result.errors()).isZero();
        List<JsonNode> scores = new ArrayList<>();
        try (MappingIterator<JsonNode> answers = new ObjectMapper().readerFor(JsonNode.class)
                .readValues(result.output())) {
            answers.forEachRemaining(answer -> {
                if (answer.has("score")) {
                    scores.add(answer.get("score"));
                }
            });
        }
        assertThat(scores).hasSize(expected.length);
        for (int t = 0; t < expected.length; t++) {
            assertThat(scores.get(t).path("sequence").asLong(0)).isEqualTo(t);
            assertThat((float) scores.get(t).path("score").asDouble()).as("segment %d", t)
                    .isCloseTo(expected[t], within(TOLERANCE));
        }
    }

    @Test
    @Order(5)
    void withItsTlsSecretsTheGatewayTakesOnlyCamerasThatShowACertificate(KubernetesClient client,
            TestNamespace namespace) throws Exception {
        String clusterIp = client.services().inNamespace(namespace.name()).withName(NAME).get().getSpec()
                .getClusterIP();
        Path made = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "gateway-tls-");
        Certificates.Issued gatewayCa = Certificates.authority(made, "gateway-ca");
        // As a user's cert-manager Certificate would name it: the Service's DNS name, here also its ClusterIP (no DNS).
        Certificates.Issued gateway = Certificates.issue(gatewayCa, made, NAME, false, "IP:" + clusterIp,
                "DNS:" + NAME + "." + namespace.name() + ".svc");
        Certificates.Issued cameraCa = Certificates.authority(made, "camera-ca");
        Certificates.Issued camera = Certificates.issue(cameraCa, made, "camera", false);
        client.secrets().inNamespace(namespace.name()).resource(new SecretBuilder().withNewMetadata()
                .withName(NAME + "-tls").endMetadata().withType("kubernetes.io/tls")
                .addToData("tls.crt", base64(gateway.certificateBytes()))
                .addToData("tls.key", base64(gateway.keyBytes())).build()).create();
        client.secrets().inNamespace(namespace.name()).resource(new SecretBuilder().withNewMetadata()
                .withName(NAME + "-camera-ca").endMetadata()
                .addToData("ca.crt", base64(cameraCa.certificateBytes())).build()).create();
        client.resources(AnomalyDetector.class).inNamespace(namespace.name()).withName(NAME).edit(detector -> {
            GatewayTlsSpec tls = new GatewayTlsSpec();
            tls.setSecretName(NAME + "-tls");
            tls.setClientCaSecretName(NAME + "-camera-ca");
            detector.getSpec().getGateway().setTls(tls);
            return detector;
        });

        String target = clusterIp + ":" + DetectorResources.GATEWAY_GRPC_PORT;
        ChannelSecurity trusted = new ChannelSecurity(true, Optional.of(gatewayCa.certificate()),
                Optional.of(new ChannelSecurity.KeyPair(camera.certificate(), camera.key())));
        // The gateway rolls out with the Secrets mounted; until its new pods serve, a camera may meet an old one, and
        // until the old ones are gone, kube-proxy may still send a new connection to one that no longer listens
        // (CI once saw "Connection refused" on the ClusterIP right after the rollout's replica counts were met).
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.pods().inNamespace(namespace.name()).withLabel(DetectorResources.GATEWAY_LABEL, NAME)
                    .list().getItems()).as("the gateway's pods, the old ones gone").hasSize(2)
                    .allSatisfy(pod -> assertThat(pod.getMetadata().getDeletionTimestamp()).isNull());
            Deployment rolled = client.apps().deployments().inNamespace(namespace.name())
                    .withName(NAME + "-gateway").get();
            assertThat(rolled.getSpec().getTemplate().getSpec().getVolumes())
                    .filteredOn(volume -> volume.getSecret() != null)
                    .extracting(volume -> volume.getSecret().getSecretName())
                    .contains(NAME + "-tls", NAME + "-camera-ca");
            assertThat(rolled.getStatus().getUpdatedReplicas()).isEqualTo(2);
            assertThat(rolled.getStatus().getReplicas()).isEqualTo(2);
            assertThat(rolled.getStatus().getReadyReplicas()).isEqualTo(2);
            try (ScoringClient probe = new ScoringClient(List.of(target), trusted)) {
                StreamResult probed = probe.stream("tls-probe", FEATURES, 5, FEATURE_DIM, 0).get(30, TimeUnit.SECONDS);
                assertThat(probed.status().isOk()).as("%s", probed.status()).isTrue();
            }
        });
        try (ScoringClient scoring = new ScoringClient(List.of(target), trusted)) {
            assertAllAnsweredAsTheReference(stream(scoring, "tls", 3));
        }

        ChannelSecurity anonymous = new ChannelSecurity(true, Optional.of(gatewayCa.certificate()), Optional.empty());
        for (ChannelSecurity refused : List.of(ChannelSecurity.PLAINTEXT, anonymous)) {
            try (ScoringClient scoring = new ScoringClient(List.of(target), refused)) {
                StreamResult result = scoring.stream("refused", FEATURES, 5, FEATURE_DIM, 0).get(60, TimeUnit.SECONDS);
                assertThat(result.status().isOk()).as("a camera connecting %s", refused.tls() ? "with no certificate"
                        : "in plaintext").isFalse();
            }
        }
    }

    private static String base64(byte[] content) {
        return Base64.getEncoder().encodeToString(content);
    }

    private static List<CompletableFuture<StreamResult>> stream(ScoringClient scoring, String prefix, int cameras) {
        List<CompletableFuture<StreamResult>> streams = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
            streams.add(scoring.stream(prefix + "-" + i, FEATURES, SEGMENTS, FEATURE_DIM, RATE));
        }
        return streams;
    }

    /** Every camera ended OK with every segment answered once (the client counts), each equal to the reference. */
    private static void assertAllAnsweredAsTheReference(List<CompletableFuture<StreamResult>> streams)
            throws Exception {
        for (CompletableFuture<StreamResult> stream : streams) {
            StreamResult result = stream.get(90, TimeUnit.SECONDS);
            assertThat(result.status().isOk()).as("%s: %s", result.streamId(), result.status()).isTrue();
            for (int t = 0; t < SEGMENTS; t++) {
                assertThat(result.scores()[t]).as("%s segment %d", result.streamId(), t)
                        .isCloseTo(reference[t], within(TOLERANCE));
            }
        }
    }

    /** Each Ready scoring pod's active streams, from its load report. */
    private static List<Integer> streamsPerPod(KubernetesClient client, TestNamespace namespace) {
        return readyPods(client, namespace.name(), NAME).stream().map(OperatorTestSupport::activeStreams).toList();
    }

    private static List<Pod> gatewayPods(KubernetesClient client, TestNamespace namespace) {
        return client.pods().inNamespace(namespace.name()).withLabel(DetectorResources.GATEWAY_LABEL, NAME).list()
                .getItems().stream().filter(Pods::isReady).toList();
    }

    /** The camera's whole stream as grpcurl reads it from its input: an OpenStream, then one message per segment. */
    private static String grpcurlStream(String id, NpyFloatMatrix clip) {
        int dim = clip.shape()[1];
        StringBuilder messages = new StringBuilder("{\"open\": {\"streamId\": \"" + id + "\"}}\n");
        for (int t = 0; t < clip.shape()[0]; t++) {
            byte[] row = Features.rows(clip.values(), dim, t, t + 1).getData().toByteArray();
            messages.append("{\"segments\": {\"firstSequence\": \"").append(t)
                    .append("\", \"features\": {\"segments\": 1, \"featureDim\": ").append(dim)
                    .append(", \"data\": \"").append(base64(row))
                    .append("\"}}}\n");
        }
        return messages.toString();
    }
}
