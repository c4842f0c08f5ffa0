package io.refinevad.operator.dependent;

import static io.refinevad.operator.ProductImages.AS_BUILT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.refinevad.api.HealthServices;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.testsupport.DetectorFixture;
import io.refinevad.operator.policy.Placement;
import org.junit.jupiter.api.Test;

/** The desired Deployment and server configuration built from a spec, without a cluster. */
class DesiredStateTest {

    @Test
    void aBuiltinModelRunsLockedDownWithoutAFetch() {
        Deployment deployment = ScoringPodTemplate.deployment(detector("builtin:default", null), 2, AS_BUILT, Placement.ANYWHERE);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container scorer = pod.getContainers().get(0);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(pod.getInitContainers()).isEmpty();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(scorer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(scorer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(scorer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(scorer.getStartupProbe().getGrpc().getPort()).isEqualTo(9000);
        assertThat(scorer.getReadinessProbe().getGrpc().getPort()).isEqualTo(9000);
        assertThat(scorer.getLivenessProbe().getGrpc().getService()).as("liveness must survive a drain")
                .isEqualTo(HealthServices.LIVENESS);
        assertThat(scorer.getEnv()).extracting(e -> e.getName()).doesNotContain("REFINEVAD_MODEL_DIR");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(40L);
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).contains("engine-cache", "models", "config");
    }

    @Test
    void aUrlModelIsFetchedAndVerifiedByAnInitContainer() {
        Deployment deployment = ScoringPodTemplate.deployment(detector("https://models.example/m.tgz",
                "ab".repeat(32)), 1, AS_BUILT, Placement.ANYWHERE);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();

        Container fetcher = pod.getInitContainers().get(0);
        assertThat(fetcher.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MODEL_SHA256");
            assertThat(e.getValue()).isEqualTo("ab".repeat(32));
        });
        assertThat(fetcher.getCommand().get(2)).isEqualTo(ModelFetchScript.SCRIPT);
        // Issue 16: the pod's disk is bounded: the models volume (archive and unpacked, 1 GiB each) and 512 MiB more.
        assertThat(fetcher.getResources().getLimits()).containsEntry("ephemeral-storage",
                new Quantity(String.valueOf(2560L * 1024 * 1024)));
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("models")).singleElement()
                .satisfies(volume -> assertThat(volume.getEmptyDir().getSizeLimit())
                        .isEqualTo(new Quantity(String.valueOf(2048L * 1024 * 1024))));
        assertThat(pod.getContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("REFINEVAD_MODEL_DIR");
            assertThat(e.getValue()).isEqualTo("/models");
        });
    }

    @Test
    void aPvcModelMountsTheClaimReadOnlyForTheFetcher() {
        Deployment deployment =
                ScoringPodTemplate.deployment(detector("pvc://models/refinevad/v3.tgz", "cd".repeat(32)), 1, AS_BUILT, Placement.ANYWHERE);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();

        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getPersistentVolumeClaim() != null)
                .singleElement().satisfies(volume -> {
                    assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("models");
                    assertThat(volume.getPersistentVolumeClaim().getReadOnly()).isTrue();
                });
        assertThat(pod.getInitContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                .contains("/source");
    }

    @Test
    void aTensorRtDetectorGetsGpusAnEngineCacheAndFp16() {
        AnomalyDetector detector = detector("builtin:default", null);
        RuntimeSpec runtime = detector.getSpec().getRuntime();
        runtime.setEngine(RuntimeSpec.Engine.TensorRT);
        runtime.setPrecision(RuntimeSpec.Precision.fp16);
        runtime.setGpus(2);

        Container scorer = ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(scorer.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("2"));
        assertThat(ServerProperties.of(detector)).contains("refinevad.engine=OnnxRuntime",
                "refinevad.gpu.provider=TENSORRT", "refinevad.gpu.fp16=true");
    }

    @Test
    void aConfigurationChangeChangesThePodTemplate() {
        AnomalyDetector detector = detector("builtin:default", null);
        String before = annotation(detector);
        detector.getSpec().getRuntime().setMaxBatchSize(8);
        String afterRuntimeChange = annotation(detector);
        assertThat(afterRuntimeChange).isNotEqualTo(before);
        detector.getSpec().getScaling().setMaxReplicas(9);
        assertThat(annotation(detector)).as("scaling bounds are the operator's, not the pods'")
                .isEqualTo(afterRuntimeChange);
    }

    @Test
    void serverPropertiesFollowTheSpec() {
        AnomalyDetector detector = detector("builtin:default", null);
        detector.getSpec().getRuntime().setWindow(16);
        detector.getSpec().getRuntime().setStreamCapacity(32);
        assertThat(ServerProperties.of(detector)).contains("refinevad.model.window=16",
                "refinevad.streams.capacity=32", "refinevad.batching.max-queue-delay=5ms",
                "refinevad.drain.timeout=30s", "quarkus.grpc.server.port=9000");
    }

    @Test
    void aDetectorsAlarmThresholdIsPassedToTheServerOnlyWhenSet() {
        AnomalyDetector detector = detector("builtin:default", null);
        assertThat(ServerProperties.of(detector)).as("unset: the model's calibrated threshold")
                .doesNotContain("refinevad.alarm.threshold");
        detector.getSpec().getModel().setAlarmThreshold(0.35);
        assertThat(ServerProperties.of(detector)).contains("refinevad.alarm.threshold=0.35");
    }

    private static String annotation(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate().getMetadata()
                .getAnnotations()
                .get(ScoringPodTemplate.CONFIG_HASH_ANNOTATION);
    }

    static AnomalyDetector detector(String uri, String sha256) {
        AnomalyDetector detector = DetectorFixture.withModel(AnomalyDetector.class, "video", "cams", uri);
        detector.getSpec().getModel().setSha256(sha256);
        return detector;
    }
}
