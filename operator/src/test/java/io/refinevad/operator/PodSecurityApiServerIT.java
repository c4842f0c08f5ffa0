package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.GatewayTlsSpec;
import io.refinevad.operator.dependent.GatewayPodTemplate;
import io.refinevad.operator.dependent.ScoringPodTemplate;
import io.refinevad.testsupport.DetectorFixture;
import io.refinevad.operator.policy.Placement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scoring pod the operator renders (with its model fetch init container), and its gateway pod (with TLS
 * Secrets), are admitted where the Pod Security "restricted" profile is enforced, on a real API server's PodSecurity admission; a pod that breaks the profile is
 * refused there, which shows the profile is in force.
 */
class PodSecurityApiServerIT {

    private static final String NAMESPACE = "restricted";
    @RegisterExtension
    static final ApiServer API = ApiServer.withoutCrd();
    private static KubernetesClient client;

    @BeforeAll
    static void createRestrictedNamespace() {
        client = API.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata().build()).create();
        // No controllers run here to create it, and pods are admitted only once their ServiceAccount exists.
        client.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("default").endMetadata().build()).create();
    }

    @Test
    void theRenderedScoringPodIsAdmittedUnderTheRestrictedProfile() {
        AnomalyDetector detector = DetectorFixture.withModel(AnomalyDetector.class, NAMESPACE, "cams",
                "https://models.example/m.tgz");
        detector.getSpec().getModel().setSha256("ab".repeat(32));
        var template = ScoringPodTemplate.deployment(detector, 1, ProductImages.AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate();
        Pod pod = new PodBuilder().withMetadata(template.getMetadata()).withSpec(template.getSpec())
                .editMetadata().withName("scoring").endMetadata().build();

        Pod created = client.pods().inNamespace(NAMESPACE).resource(pod).create();

        assertThat(created.getSpec().getInitContainers()).hasSize(1);
    }

    @Test
    void theRenderedGatewayPodWithItsTlsSecretsIsAdmittedUnderTheRestrictedProfile() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, NAMESPACE, "cams");
        GatewayTlsSpec tls = new GatewayTlsSpec();
        tls.setSecretName("cams-tls");
        tls.setClientCaSecretName("camera-ca");
        detector.getSpec().getGateway().setTls(tls);
        var template = GatewayPodTemplate.deployment(detector, ProductImages.AS_BUILT).getSpec().getTemplate();
        client.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(template.getSpec().getServiceAccountName()).endMetadata().build()).create();
        Pod pod = new PodBuilder().withMetadata(template.getMetadata()).withSpec(template.getSpec())
                .editMetadata().withName("gateway").endMetadata().build();

        Pod created = client.pods().inNamespace(NAMESPACE).resource(pod).create();

        assertThat(created.getSpec().getVolumes()).filteredOn(v -> v.getSecret() != null).hasSize(2);
    }

    @Test
    void aPodThatMayEscalateAsRootIsRefused() {
        Pod root = new PodBuilder().withNewMetadata().withName("root").endMetadata().withNewSpec()
                .addNewContainer().withName("shell").withImage("busybox").endContainer().endSpec().build();

        assertThatThrownBy(() -> client.pods().inNamespace(NAMESPACE).resource(root).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
                .hasMessageContaining("allowPrivilegeEscalation != false")
                .hasMessageContaining("runAsNonRoot != true");
    }
}
