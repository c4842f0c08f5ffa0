package io.refinevad.operator.dependent;

import static io.refinevad.operator.ProductImages.AS_BUILT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.GatewayTlsSpec;
import io.refinevad.operator.policy.Placement;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The gateway's objects as built from a detector, and the detector's Service in front of them, without a cluster. */
class GatewayDesiredStateTest {

    @Test
    void theGatewayDeploymentRunsTheGatewayImageAgainstTheDetectorsHeadlessService() {
        AnomalyDetector detector = detector();
        detector.getSpec().getGateway().setStreamLimit(300);
        Deployment deployment = GatewayPodTemplate.deployment(detector, AS_BUILT);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container gateway = pod.getContainers().get(0);

        assertThat(deployment.getMetadata().getName()).isEqualTo("cams-gateway");
        assertThat(deployment.getSpec().getReplicas()).as("the default").isEqualTo(2);
        assertThat(gateway.getImage()).isEqualTo(AS_BUILT.gateway());
        assertThat(gateway.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("grpc:9000", "http:8080");
        Map<String, EnvVar> env = gateway.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("REFINEVAD_GATEWAY_DETECTOR").getValue()).isEqualTo("cams");
        assertThat(env.get("REFINEVAD_GATEWAY_PODS_SERVICE").getValue()).isEqualTo("cams-pods");
        assertThat(env.get("REFINEVAD_GATEWAY_PODS_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(env.get("REFINEVAD_GATEWAY_STREAMS_LIMIT").getValue()).isEqualTo("300");
        assertThat(env).as("plaintext without spec.gateway.tls")
                .doesNotContainKeys("REFINEVAD_GATEWAY_TLS_CERT_DIR", "REFINEVAD_GATEWAY_TLS_CLIENT_CA_DIR");
        assertThat(gateway.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(gateway.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(gateway.getResources().getLimits()).containsKey("memory");
        assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
    }

    @Test
    void theGatewayPodsWatchEndpointSlicesUnderTheirOwnServiceAccountInTheRestrictedProfile() {
        AnomalyDetector detector = detector();
        PodSpec pod = GatewayPodTemplate.deployment(detector, AS_BUILT).getSpec().getTemplate().getSpec();
        PodSpec scoring = ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate().getSpec();
        Container gateway = pod.getContainers().get(0);

        assertThat(pod.getServiceAccountName()).isEqualTo("cams-gateway");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        assertThat(pod.getSecurityContext()).as("the scoring pods' profile").isEqualTo(scoring.getSecurityContext());
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(gateway.getSecurityContext()).isEqualTo(scoring.getContainers().get(0).getSecurityContext());
        assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(gateway.getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/tmp");
        assertThat(pod.getVolumes()).extracting(Volume::getName).containsExactly("tmp");
    }

    @Test
    void theGatewayPodsAreNeverScoringPodsAndPreferDifferentNodes() {
        AnomalyDetector detector = detector();
        Deployment deployment = GatewayPodTemplate.deployment(detector, AS_BUILT);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

        assertThat(podLabels).containsEntry(DetectorResources.GATEWAY_LABEL, "cams")
                .containsEntry("app.kubernetes.io/component", "gateway")
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels.entrySet().containsAll(DetectorResources.podSelector(detector).entrySet()))
                .as("the scoring pods' selector takes a gateway pod").isFalse();
        WeightedPodAffinityTerm spread = deployment.getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertThat(spread.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(spread.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                .isEqualTo(DetectorResources.gatewayPodSelector(detector));
    }

    @Test
    void tlsMountsTheCertificateSecretAndMtlsTheClientCaAsWholeReadOnlyVolumes() {
        AnomalyDetector detector = detector();
        GatewayTlsSpec tls = new GatewayTlsSpec();
        tls.setSecretName("cams-tls");
        detector.getSpec().getGateway().setTls(tls);
        Container gateway = GatewayPodTemplate.deployment(detector, AS_BUILT).getSpec().getTemplate().getSpec()
                .getContainers().get(0);

        assertThat(env(gateway)).containsEntry("REFINEVAD_GATEWAY_TLS_CERT_DIR", "/etc/refinevad/gateway-tls")
                .doesNotContainKey("REFINEVAD_GATEWAY_TLS_CLIENT_CA_DIR");

        tls.setClientCaSecretName("camera-ca");
        Deployment mutual = GatewayPodTemplate.deployment(detector, AS_BUILT);
        PodSpec pod = mutual.getSpec().getTemplate().getSpec();
        assertThat(env(pod.getContainers().get(0)))
                .containsEntry("REFINEVAD_GATEWAY_TLS_CERT_DIR", "/etc/refinevad/gateway-tls")
                .containsEntry("REFINEVAD_GATEWAY_TLS_CLIENT_CA_DIR", "/etc/refinevad/gateway-client-ca");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getName() + "=" + v.getSecret().getSecretName())
                .containsExactly("tls=cams-tls", "client-ca=camera-ca");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).filteredOn(m -> !"/tmp".equals(m.getMountPath()))
                .allSatisfy(mount -> {
                    assertThat(mount.getReadOnly()).isTrue();
                    assertThat(mount.getSubPath()).as("a subPath mount never sees a rotated Secret").isNull();
                })
                .extracting(VolumeMount::getMountPath)
                .containsExactly("/etc/refinevad/gateway-tls", "/etc/refinevad/gateway-client-ca");
    }

    @Test
    void theDisruptionBudgetServiceAccountAndRoleBindingBelongToTheGateway() {
        AnomalyDetector detector = detector();
        PodDisruptionBudget budget = new GatewayDisruptionBudgetDependent().desired(detector, null);
        RoleBinding binding = GatewayRoleBindingDependent.of(detector, "vad-operator-gateway");

        assertThat(budget.getMetadata().getName()).isEqualTo("cams-gateway");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(DetectorResources.gatewayPodSelector(detector));
        assertThat(new GatewayServiceAccountDependent().desired(detector, null).getMetadata().getName())
                .isEqualTo("cams-gateway");
        assertThat(binding.getMetadata().getName()).isEqualTo("cams-gateway");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(binding.getRoleRef().getName()).isEqualTo("vad-operator-gateway");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo("cams-gateway");
            assertThat(subject.getNamespace()).isEqualTo("video");
        });
    }

    @Test
    void theDetectorsServiceSelectsTheGatewayPodsWhileTheGatewayIsOnElseTheScoringPods() {
        AnomalyDetector detector = detector();
        assertThat(new GrpcServiceDependent().desired(detector, null).getSpec().getSelector())
                .isEqualTo(DetectorResources.gatewayPodSelector(detector));
        assertThat(new HeadlessServiceDependent().desired(detector, null).getSpec().getSelector())
                .as("the gateway's discovery: always the scoring pods").isEqualTo(DetectorResources.podSelector(detector));

        detector.getSpec().getGateway().setEnabled(false);
        assertThat(new GrpcServiceDependent().desired(detector, null).getSpec().getSelector())
                .isEqualTo(DetectorResources.podSelector(detector));
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static AnomalyDetector detector() {
        return DesiredStateTest.detector("builtin:default", null);
    }
}
