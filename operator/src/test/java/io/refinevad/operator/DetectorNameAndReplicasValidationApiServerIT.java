package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.testsupport.DetectorFixture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The checked-in CRD's rules on a detector's name and pinned replicas, as the API server applies them: a name whose
 * derived objects would be invalid, too long or another detector's is refused at kubectl apply time (issue 16),
 * and spec.replicas, which the scale subresource writes too, stays within scaling.minReplicas..maxReplicas.
 */
class DetectorNameAndReplicasValidationApiServerIT {

    @RegisterExtension
    static final ApiServer API = ApiServer.withCrd();
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final KubernetesClient client = API.client();
    private final String namespace = API.createNamespace("names-" + NAMESPACES.incrementAndGet());

    @Test
    void aNameEndingInADerivedSuffixIsRefusedSoThatNoTwoDetectorsShareAnObject() {
        for (String name : new String[]{"lobby-pods", "lobby-gateway", "lobby-config"}) {
            assertRefused(name, "metadata.name may not end in -pods, -gateway or -config: the operator names"
                    + " another detector's objects so");
        }
        assertThat(create("lobby-podsx").getMetadata().getName()).as("a suffix only counts at the end")
                .isEqualTo("lobby-podsx");
    }

    @Test
    void aNameLongerThanTheDerivedNamesAllowIsRefused() {
        String longest = "a".repeat(AnomalyDetector.MAX_NAME_LENGTH);
        assertThat(create(longest).getMetadata().getName()).hasSize(55);
        assertRefused(longest + "b", "metadata.name may be at most 55 characters");
    }

    @Test
    void aNameThatCannotNameAServiceIsRefused() {
        // Valid names of a custom resource (DNS-1123 subdomains), but not DNS-1035 labels.
        assertRefused("7eleven", "metadata.name must start with a letter");
        assertRefused("lobby.west", "metadata.name must start with a letter");
    }

    @Test
    void pinnedReplicasOutsideTheScalingBoundsAreRefusedWhetherWrittenOrScaled() {
        String bounds = "replicas must lie within scaling.minReplicas..scaling.maxReplicas";
        AnomalyDetector tooMany = DetectorFixture.minimal(AnomalyDetector.class, namespace, "many");
        tooMany.getSpec().setReplicas(Integer.MAX_VALUE);
        assertThatThrownBy(() -> client.resource(tooMany).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining(bounds);
        AnomalyDetector none = DetectorFixture.minimal(AnomalyDetector.class, namespace, "none");
        none.getSpec().setReplicas(0);
        assertThatThrownBy(() -> client.resource(none).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining(bounds);

        AnomalyDetector pinned = DetectorFixture.minimal(AnomalyDetector.class, namespace, "pinned");
        pinned.getSpec().setReplicas(4);
        assertThat(client.resource(pinned).create().getSpec().getReplicas()).isEqualTo(4);
        // kubectl scale writes spec.replicas through the scale subresource: the same rule holds there.
        assertThatThrownBy(() -> client.resources(AnomalyDetector.class).inNamespace(namespace).withName("pinned")
                .scale(5)).isInstanceOf(KubernetesClientException.class).hasMessageContaining(bounds);
        assertThat(client.resources(AnomalyDetector.class).inNamespace(namespace).withName("pinned").get()
                .getSpec().getReplicas()).isEqualTo(4);
    }

    private AnomalyDetector create(String name) {
        return client.resource(DetectorFixture.minimal(AnomalyDetector.class, namespace, name)).create();
    }

    private void assertRefused(String name, String message) {
        assertThatThrownBy(() -> create(name)).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining(message);
    }
}
