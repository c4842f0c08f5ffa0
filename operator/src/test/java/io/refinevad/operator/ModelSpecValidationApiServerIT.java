package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ModelSpec;
import io.refinevad.testsupport.DetectorFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The model rules of the checked-in CRD, as the API server applies them at kubectl apply time: plain http
 * only when the detector says so, a sha256 for every fetched model, a positive size limit, an alarm threshold in
 * (0, 1]; the URL example passes.
 */
class ModelSpecValidationApiServerIT {

    private static final String DIGEST = "ab".repeat(32);
    @RegisterExtension
    static final ApiServer API = ApiServer.withCrd();
    private static KubernetesClient client;
    private static String namespace;

    @BeforeAll
    static void createNamespace() {
        client = API.client();
        namespace = API.createNamespace("models");
    }

    @Test
    void plainHttpIsRefusedUnlessTheDetectorAllowsIt() {
        assertRefused("plain", model -> {
            model.setUri("http://models.example/m.tgz");
            model.setSha256(DIGEST);
        }, "model.uri is a plain http:// URL, which anyone on the network path can read or replace: use an https://"
                + " URL, or set model.allowHttp: true to fetch this one over http anyway");

        AnomalyDetector allowed = detector("allowed", model -> {
            model.setUri("http://models.example/m.tgz");
            model.setSha256(DIGEST);
            model.setAllowHttp(true);
        });
        assertThat(client.resource(allowed).create().getSpec().getModel().isAllowHttp()).isTrue();
    }

    @Test
    void httpsIsTheDefaultAndNeedsNoSwitch() {
        AnomalyDetector created = client.resource(detector("secure", model -> {
            model.setUri("https://models.example/m.tgz");
            model.setSha256(DIGEST);
        })).create();

        assertThat(created.getSpec().getModel().isAllowHttp()).isFalse();
        assertThat(created.getSpec().getModel().getSizeLimitMiB()).isEqualTo(1024);
    }

    @Test
    void aFetchedModelWithoutSha256IsRefused() {
        assertRefused("nodigest", model -> model.setUri("https://models.example/m.tgz"),
                "model.sha256 is required for a model fetched from a URL or a volume");
    }

    @Test
    void aSizeLimitBelowOneMiBIsRefused() {
        assertRefused("nolimit", model -> {
            model.setUri("https://models.example/m.tgz");
            model.setSha256(DIGEST);
            model.setSizeLimitMiB(0);
        }, "sizeLimitMiB");
    }

    @Test
    void anAlarmThresholdOutsideZeroToOneIsRefusedAndOneInsideAccepted() {
        for (double bad : new double[]{0.0, -0.2, 1.01}) {
            assertRefused("threshold" + Math.round(bad * 100 + 100), model -> model.setAlarmThreshold(bad),
                    "model.alarmThreshold must be in (0, 1]: a segment whose score is at or above it is anomalous;"
                            + " leave it unset to use the model's calibrated threshold");
        }
        AnomalyDetector created = client.resource(detector("threshold", model -> model.setAlarmThreshold(1.0)))
                .create();
        assertThat(created.getSpec().getModel().getAlarmThreshold()).isEqualTo(1.0);
        assertThat(client.resource(detector("unset", model -> { })).create().getSpec().getModel()
                .getAlarmThreshold()).as("unset stays unset: the model's calibrated threshold").isNull();
    }

    @Test
    void theExampleWithAModelFromAUrlIsAccepted() throws IOException {
        try (InputStream example = Files.newInputStream(Path.of("../examples/url-model-detector.yaml"))) {
            AnomalyDetector detector = client.resources(AnomalyDetector.class).load(example).item();
            detector.getMetadata().setNamespace(namespace);

            AnomalyDetector created = client.resource(detector).create();

            assertThat(created.getSpec().getModel().getSizeLimitMiB()).isEqualTo(512);
            assertThat(created.getSpec().getNetworkPolicy().getAllowedClients()).hasSize(1);
        }
    }

    private static void assertRefused(String name, Consumer<ModelSpec> change, String message) {
        assertThatThrownBy(() -> client.resource(detector(name, change)).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining(message);
    }

    private static AnomalyDetector detector(String name, Consumer<ModelSpec> change) {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, namespace, name);
        change.accept(detector.getSpec().getModel());
        return detector;
    }
}
