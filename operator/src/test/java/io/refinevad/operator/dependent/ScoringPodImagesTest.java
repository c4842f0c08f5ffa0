package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.policy.Placement;
import org.junit.jupiter.api.Test;

/**
 * The scoring pods' images come from where the operator is told the product's images are, so that one setting
 * (refinevad.operator.images.registry) moves them all; a detector that names its own server image keeps it.
 */
class ScoringPodImagesTest {

    private static final ProductImages PUSHED = new ProductImages("registry.example.com/team");

    @Test
    void aDetectorThatNamesNoImageGetsTheServerAndFetcherOfTheOperatorsRegistry() {
        PodSpec pod = pod(DesiredStateTest.detector("https://models.example/m.tgz", "ab".repeat(32)));

        assertThat(pod.getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/team/inference-server:" + ProductImages.TAG);
        assertThat(pod.getInitContainers().get(0).getImage())
                .isEqualTo("registry.example.com/team/model-fetcher:" + ProductImages.TAG);
    }

    @Test
    void aDetectorsOwnServerImageWinsButTheFetcherStillFollowsTheOperator() {
        AnomalyDetector detector = DesiredStateTest.detector("https://models.example/m.tgz", "ab".repeat(32));
        detector.getSpec().getRuntime().setImage("mirror.example.com/vision/custom-server:7");

        PodSpec pod = pod(detector);

        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("mirror.example.com/vision/custom-server:7");
        assertThat(pod.getInitContainers().get(0).getImage()).isEqualTo(PUSHED.modelFetcher());
    }

    private static PodSpec pod(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, PUSHED, Placement.ANYWHERE).getSpec().getTemplate().getSpec();
    }
}
