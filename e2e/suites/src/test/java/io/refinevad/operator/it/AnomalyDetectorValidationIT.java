package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ModelSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server itself rejects bad detectors, at `kubectl apply` time, with a message that says what to fix. */
@LocalClusterTest
class AnomalyDetectorValidationIT {

    private static final String SHA = "a".repeat(64);

    @BeforeAll
    static void installCrd(LocalCluster cluster) throws Exception {
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
    }

    @Test
    void aMinimalDetectorIsAcceptedAndDefaulted(KubernetesClient client, TestNamespace namespace) {
        AnomalyDetector created = client.resource(OperatorTestSupport.detector(namespace.name(), "minimal")).create();
        assertThat(created.getSpec().getRuntime().getEngine()).isEqualTo(RuntimeSpec.Engine.OnnxRuntime);
        assertThat(created.getSpec().getScaling().getMaxReplicas()).isEqualTo(4);
        assertThat(created.getSpec().getService().getPort()).isEqualTo(9000);
        assertThat(created.getSpec().getModel().getFormat()).isEqualTo(ModelSpec.Format.onnx);
    }

    @Test
    void theExamplesAreAcceptedByTheApiServer(LocalCluster cluster, KubernetesClient client, TestNamespace namespace)
            throws Exception {
        try (var examples = Files.list(cluster.repository().resolve("examples"))) {
            for (Path example : examples.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(example)) {
                    AnomalyDetector detector = client.resources(AnomalyDetector.class).load(in).item();
                    detector.getMetadata().setNamespace(namespace.name());
                    assertThat(client.resource(detector).dryRun().create().getSpec())
                            .as(example.getFileName().toString()).isNotNull();
                }
            }
        }
    }

    @Test
    void minAboveMaxIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "scaling", d -> {
            d.getSpec().getScaling().setMinReplicas(5);
            d.getSpec().getScaling().setMaxReplicas(2);
        }, "scaling.minReplicas must not exceed scaling.maxReplicas");
    }

    @Test
    void tensorRtWithoutGpusIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "trt", d -> d.getSpec().getRuntime().setEngine(RuntimeSpec.Engine.TensorRT),
                "runtime.engine TensorRT needs runtime.gpus >= 1");
    }

    @Test
    void fp16OutsideTensorRtIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "fp16", d -> d.getSpec().getRuntime().setPrecision(RuntimeSpec.Precision.fp16),
                "runtime.precision fp16 is for the TensorRT engine only");
    }

    @Test
    void aUrlModelNeedsItsDigest(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "nodigest", d -> d.getSpec().getModel().setUri("https://models.example/m.tgz"),
                "model.sha256 is required for a model fetched from a URL");
    }

    @Test
    void aMalformedDigestIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "baddigest", d -> {
            d.getSpec().getModel().setUri("https://models.example/m.tgz");
            d.getSpec().getModel().setSha256("ABC123");
        }, "model.sha256 must be 64 lowercase hexadecimal digits");
    }

    @Test
    void anUnknownModelSchemeIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "ftp", d -> {
            d.getSpec().getModel().setUri("ftp://models.example/m.tgz");
            d.getSpec().getModel().setSha256(SHA);
        }, "model.uri must be builtin:default, an http(s):// URL");
    }

    @Test
    void theEngineMustMatchTheModelFormat(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "format", d -> d.getSpec().getRuntime().setEngine(RuntimeSpec.Engine.PyTorch),
                "runtime.engine PyTorch runs model.format torchscript");
    }

    @Test
    void moreStreamsPerReplicaThanCapacityIsRejected(KubernetesClient client, TestNamespace namespace) {
        assertRejected(client, namespace, "capacity", d -> d.getSpec().getScaling().setTargetStreamsPerReplica(100),
                "scaling.targetStreamsPerReplica must not exceed runtime.streamCapacity");
    }

    private static void assertRejected(KubernetesClient client, TestNamespace namespace, String name,
            Consumer<AnomalyDetector> change, String message) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), name);
        change.accept(detector);
        assertThatThrownBy(() -> client.resource(detector).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
                .hasMessageContaining(message);
    }
}
