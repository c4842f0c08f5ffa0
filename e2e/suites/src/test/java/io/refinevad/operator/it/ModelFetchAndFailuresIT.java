package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.DetectorOperator;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model fetched over HTTP by the init container and verified against spec.model.sha256; and what a person sees
 * when something is wrong: a wrong digest or an image that does not exist makes the detector Degraded with the
 * reason, while the operator keeps polling calmly.
 */
@LocalClusterTest
class ModelFetchAndFailuresIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static DetectorOperator operator;
    private static HttpServer modelServer;
    private static String archiveSha256;
    private static int archiveSize;

    @BeforeAll
    static void serveTheDefaultModelAsAnArchive(LocalCluster cluster) throws Exception {
        Path archive = Files.createDirectories(Path.of("target").toAbsolutePath()).resolve("model-archive.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", archive.toString(), "-C",
                cluster.repository().resolve("model/default/export").toString(), ".").inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        byte[] bytes = Files.readAllBytes(archive);
        archiveSize = bytes.length;
        archiveSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        // On the node's address: the fetch runs in the scoring pod, whose own 127.0.0.1 is not this host's.
        modelServer = HttpServer.create(new InetSocketAddress(cluster.nodeAddress(), 0), 0);
        modelServer.createContext("/models/refinevad.tar.gz", exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(bytes);
            }
        });
        modelServer.start();
        OperatorTestSupport.installClusterResources(cluster);
        operator = OperatorTestSupport.startOperator(cluster.admin());
    }

    @AfterAll
    static void stop(KubernetesClient client, TestNamespace namespace) {
        if (operator != null) {
            OperatorTestSupport.deleteDetectors(client, namespace.name());
            operator.close();
        }
        if (modelServer != null) {
            modelServer.stop(0);
        }
    }

    @Test
    void aModelFromAUrlIsFetchedVerifiedAndServed(KubernetesClient client, TestNamespace namespace) throws IOException {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), "fetched");
        detector.getSpec().getModel().setUri(modelUrl());
        detector.getSpec().getModel().setAllowHttp(true);  // the test's model server speaks plain http
        detector.getSpec().getModel().setSha256(archiveSha256);
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(condition(client, namespace, "fetched", ConditionType.MODEL_READY).getStatus()).isEqualTo("True");
            assertThat(condition(client, namespace, "fetched", ConditionType.READY).getStatus()).isEqualTo("True");
        });
    }

    @Test
    void aWrongDigestMakesTheDetectorDegradedWithTheReason(KubernetesClient client, TestNamespace namespace) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), "tampered");
        detector.getSpec().getModel().setUri(modelUrl());
        detector.getSpec().getModel().setAllowHttp(true);  // the test's model server speaks plain http
        detector.getSpec().getModel().setSha256("0".repeat(64));
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Condition degraded = condition(client, namespace, "tampered", ConditionType.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("ModelChecksumMismatch");
            Condition model = condition(client, namespace, "tampered", ConditionType.MODEL_READY);
            assertThat(model.getStatus()).isEqualTo("False");
            assertThat(model.getReason()).isEqualTo("ModelChecksumMismatch");
            assertThat(client.v1().events().inNamespace(namespace.name()).list().getItems())
                    .anySatisfy(event -> assertThat(event.getReason()).isEqualTo("ModelChecksumMismatch"));
        });
    }

    @Test
    void aModelLargerThanItsSizeLimitMakesTheDetectorDegradedWithTheReason(KubernetesClient client,
            TestNamespace namespace) {
        assertThat(archiveSize).as("the archive is larger than the 1 MiB limit set below").isGreaterThan(1 << 20);
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), "oversized");
        detector.getSpec().getModel().setUri(modelUrl());
        detector.getSpec().getModel().setAllowHttp(true);
        detector.getSpec().getModel().setSha256(archiveSha256);
        detector.getSpec().getModel().setSizeLimitMiB(1);
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Condition degraded = condition(client, namespace, "oversized", ConditionType.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("ModelTooLarge");
            assertThat(degraded.getMessage()).contains("larger than spec.model.sizeLimitMiB");
        });
    }

    @Test
    void anImageThatCannotBePulledMakesTheDetectorDegraded(KubernetesClient client, TestNamespace namespace) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), "noimage");
        detector.getSpec().getRuntime().setImage("registry.invalid/refinevad/nothing:1");
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            Condition degraded = condition(client, namespace, "noimage", ConditionType.DEGRADED);
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getReason()).isEqualTo("ImagePullFailed");
            assertThat(degraded.getMessage()).contains("registry.invalid/refinevad/nothing:1");
            assertThat(condition(client, namespace, "noimage", ConditionType.READY).getStatus()).isEqualTo("False");
        });
    }

    private static String modelUrl() {
        return "http://" + modelServer.getAddress().getHostString() + ":" + modelServer.getAddress().getPort()
                + "/models/refinevad.tar.gz";
    }

    private static Condition condition(KubernetesClient client, TestNamespace namespace, String name, String type) {
        return OperatorTestSupport.condition(OperatorTestSupport.status(client, namespace.name(), name), type);
    }
}
