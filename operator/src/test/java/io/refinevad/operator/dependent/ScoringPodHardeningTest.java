package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.refinevad.operator.ProductImages;
import io.refinevad.api.HealthServices;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.policy.Placement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rendered scoring pod against the Pod Security "restricted" profile and the rest of the hardening: every
 * container (the model fetch too) non-root, read-only root file system, no privilege escalation, all capabilities
 * dropped; seccomp RuntimeDefault; no ServiceAccount token; a liveness probe on the server's named health service;
 * a model fetch bounded in size.
 */
class ScoringPodHardeningTest {

    @Test
    void everyContainerOfTheScoringPodIsLockedDown() {
        PodSpec pod = pod(DesiredStateTest.detector("https://models.example/m.tgz", "ab".repeat(32)));

        assertThat(pod.getAutomountServiceAccountToken()).as("scoring pods need no API access").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList())
                .extracting(Container::getName).containsExactly("fetch-model", "scorer");
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).forEach(container -> {
            SecurityContext context = container.getSecurityContext();
            assertThat(context.getRunAsNonRoot()).as(container.getName()).isTrue();
            assertThat(context.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
            assertThat(context.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
            assertThat(context.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
            assertThat(context.getCapabilities().getAdd()).as(container.getName()).isNullOrEmpty();
            assertThat(context.getPrivileged()).as(container.getName()).isNotEqualTo(Boolean.TRUE);
        });
        assertThat(pod.getVolumes()).as("restricted allows no host paths")
                .allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
    }

    @Test
    void livenessAsksForTheNamedHealthServiceThatSurvivesADrain() {
        Container scorer = pod(DesiredStateTest.detector("builtin:default", null)).getContainers().get(0);

        assertThat(scorer.getLivenessProbe().getGrpc().getPort()).isEqualTo(DetectorResources.GRPC_PORT);
        assertThat(scorer.getLivenessProbe().getGrpc().getService()).isEqualTo(HealthServices.LIVENESS);
        assertThat(scorer.getLivenessProbe().getTcpSocket()).isNull();
        assertThat(scorer.getReadinessProbe().getGrpc().getService()).as("readiness: the default service, which"
                + " turns NOT_SERVING when the pod drains").isNullOrEmpty();
    }

    @Test
    void theModelFetchIsHttpsOnlyAndBoundedUnlessTheSpecSaysOtherwise() {
        AnomalyDetector detector = DesiredStateTest.detector("https://models.example/m.tgz", "ab".repeat(32));
        detector.getSpec().getModel().setSizeLimitMiB(100);
        PodSpec pod = pod(detector);

        assertThat(env(pod, "MODEL_PROTOCOLS")).isEqualTo("=https");
        assertThat(env(pod, "MODEL_SIZE_LIMIT_BYTES")).isEqualTo(String.valueOf(100L << 20));
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("models"))
                .singleElement().extracting(Volume::getEmptyDir)
                .satisfies(dir -> assertThat(dir.getSizeLimit().getNumericalAmount().longValue())
                        .as("the archive and what it unpacks to").isEqualTo(200L << 20));

        detector.getSpec().getModel().setAllowHttp(true);
        assertThat(env(pod(detector), "MODEL_PROTOCOLS")).isEqualTo("=http,https");
    }

    private static PodSpec pod(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, ProductImages.AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate().getSpec();
    }

    private static String env(PodSpec pod, String name) {
        return pod.getInitContainers().get(0).getEnv().stream().filter(variable -> variable.getName().equals(name))
                .findFirst().orElseThrow().getValue();
    }
}
