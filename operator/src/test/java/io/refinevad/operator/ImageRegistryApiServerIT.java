package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.testsupport.DetectorFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One Helm value moves every image: the chart rendered with {@code --set image.registry=...} deploys the operator
 * from that registry and tells it the registry, and the operator so told, against a real API server, gives a
 * detector that names no image the server, model fetcher and gateway from there. The stored detector keeps no image
 * of its own (the CRD has no default to write into it), so when the operator is told another registry, or is
 * upgraded, the detector's pods follow it.
 */
class ImageRegistryApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PUSHED = "registry.example.com/team";
    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perClass("images").startedByTheTest();

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void theChartsRegistryReachesTheOperatorEveryScoringPodImageAndTheGateway() throws Exception {
        Container chartOperator = operatorContainer(HelmChart.template(client, "--set", "image.registry=" + PUSHED));
        assertThat(chartOperator.getImage()).isEqualTo(PUSHED + "/operator:" + ProductImages.TAG);
        // The environment variable Quarkus reads refinevad.operator.images.registry from.
        String told = chartOperator.getEnv().stream()
                .filter(env -> env.getName().equals(environmentName("refinevad.operator.images.registry")))
                .map(EnvVar::getValue).findFirst().orElseThrow();
        assertThat(told).isEqualTo(PUSHED);

        OPERATOR.startWith(new ProductImages(told));
        AnomalyDetector detector = DetectorFixture.withModel(AnomalyDetector.class, OPERATOR.namespace(), "cams",
                "https://models.example/m.tgz");
        detector.getSpec().getModel().setSha256("ab".repeat(32));
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            PodSpec pod = scoringPod("cams");
            assertThat(pod.getContainers().get(0).getImage())
                    .isEqualTo(PUSHED + "/inference-server:" + ProductImages.TAG);
            assertThat(pod.getInitContainers().get(0).getImage())
                    .isEqualTo(PUSHED + "/model-fetcher:" + ProductImages.TAG);
            Deployment gateway = client.apps().deployments().inNamespace(OPERATOR.namespace())
                    .withName("cams-gateway").get();
            assertThat(gateway).as("the gateway Deployment").isNotNull();
            assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo(PUSHED + "/gateway:" + ProductImages.TAG);
        });
        assertThat(client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("cams").get()
                .getSpec().getRuntime().getImage()).as("the stored detector's spec.runtime.image").isNull();

        // An operator told no registry (as an upgrade to another version would change the tag): the pods follow.
        OPERATOR.startWith(ProductImages.AS_BUILT);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(scoringPod("cams").getContainers().get(0).getImage())
                .isEqualTo(ProductImages.AS_BUILT.inferenceServer()));
    }

    @Test
    void theChartRefusesARegistryThatCannotPrefixAnImage() throws Exception {
        Process helm = HelmChart.run("--set", "image.registry=" + PUSHED + "/");
        String errors = new String(helm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(helm.waitFor()).isNotZero();
        assertThat(errors).contains("/image/registry").contains(PUSHED + "/");
    }

    private PodSpec scoringPod(String detector) {
        Deployment deployment = client.apps().deployments().inNamespace(OPERATOR.namespace())
                .withName(DetectorResources.deploymentName(client.resources(AnomalyDetector.class)
                        .inNamespace(OPERATOR.namespace()).withName(detector).get()))
                .get();
        assertThat(deployment).as("the scoring Deployment").isNotNull();
        return deployment.getSpec().getTemplate().getSpec();
    }

    private static Container operatorContainer(List<HasMetadata> manifests) {
        return manifests.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .flatMap(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream())
                .filter(container -> container.getName().equals("operator")).findFirst().orElseThrow();
    }

    /** MicroProfile Config's environment form of a property name. */
    private static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
