package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import org.junit.jupiter.api.Test;

/**
 * Every test namespace enforces the Pod Security "restricted" profile, so the pods the product creates in the
 * suites (scoring pods, the model fetch, the chart's operator) are held to it: a pod that breaks it is refused.
 */
@LocalClusterTest
class RestrictedNamespaceIT {

    @Test
    void aPodThatBreaksTheRestrictedProfileIsRefused(KubernetesClient client, TestNamespace namespace) {
        assertThat(client.namespaces().withName(namespace.name()).get().getMetadata().getLabels())
                .containsAllEntriesOf(RestrictedProfile.NAMESPACE_LABELS);
        Pod asRoot = new PodBuilder().withNewMetadata().withName("as-root").endMetadata().withNewSpec()
                .addNewContainer().withName("shell").withImage(BedImages.SHELL).withCommand("sleep", "600")
                .endContainer().endSpec().build();

        assertThatThrownBy(() -> client.pods().inNamespace(namespace.name()).resource(asRoot).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
                .hasMessageContaining("allowPrivilegeEscalation != false")
                .hasMessageContaining("runAsNonRoot != true")
                .hasMessageContaining("seccompProfile");
    }

    @Test
    void aPodWithTheRestrictedSecurityContextsIsAdmitted(KubernetesClient client, TestNamespace namespace) {
        Pod locked = new PodBuilder().withNewMetadata().withName("locked").endMetadata().withNewSpec()
                .withSecurityContext(RestrictedProfile.pod())
                .addNewContainer().withName("shell").withImage(BedImages.SHELL).withCommand("sleep", "600")
                .withSecurityContext(RestrictedProfile.container()).endContainer().endSpec().build();

        assertThat(client.pods().inNamespace(namespace.name()).resource(locked).create().getMetadata().getUid())
                .isNotBlank();
    }
}
