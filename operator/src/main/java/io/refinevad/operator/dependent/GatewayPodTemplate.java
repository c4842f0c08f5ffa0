package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.GatewaySpec;
import io.refinevad.operator.crd.GatewayTlsSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The Deployment of a detector's stream gateway (gateway/, docs/GATEWAY.md): spec.gateway's replicas, spread over
 * nodes when they can be, each finding the scoring pods through the headless Service's EndpointSlices (its
 * ServiceAccount may watch them), with TLS from Secrets when spec.gateway.tls names them, under the restricted
 * profile ({@link RestrictedProfile}).
 */
public final class GatewayPodTemplate {

    /** Where the gateway reads tls.crt and tls.key (the gateway's refinevad.gateway.tls.cert-dir). */
    public static final String TLS_DIR = "/etc/refinevad/gateway-tls";
    /** Where the gateway reads ca.crt, the CA its clients' certificates must be signed by. */
    public static final String CLIENT_CA_DIR = "/etc/refinevad/gateway-client-ca";
    /** The gateway relays bytes and schedules nothing heavy: a tenth of a core places and forwards many streams. */
    private static final Quantity CPU_REQUEST = new Quantity("100m");
    /** About what an idle gateway JVM (Quarkus, gRPC, a fabric8 informer) holds. */
    private static final Quantity MEMORY_REQUEST = new Quantity("128Mi");
    /**
     * The JVM (about 150 MiB beside its heap) plus the heap of {@link #JAVA_OPTIONS}: 60 % of this, 230 MiB, for
     * the segments kept to move streams, streams x (W - 1) segments: 1024 streams of the default model (W 32, 512
     * features) keep 1024 x 31 x 512 x 4 bytes = 62 MiB.
     */
    private static final Quantity MEMORY_LIMIT = new Quantity("384Mi");
    /**
     * The heap as a share of the memory limit: the JVM's default is a quarter, 96 MiB here, which the kept segments
     * of a full gateway would nearly fill; an OutOfMemoryError ends the JVM, so the pod restarts rather than limps.
     */
    private static final String JAVA_OPTIONS = "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError";

    private GatewayPodTemplate() {
    }

    public static Deployment deployment(AnomalyDetector detector, ProductImages images) {
        GatewaySpec gateway = detector.getSpec().getGateway();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(DetectorResources.gatewayName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.gatewayLabels(detector))
                .endMetadata()
                .withNewSpec()
                .withReplicas(gateway.getReplicas())
                .withNewSelector().withMatchLabels(DetectorResources.gatewayPodSelector(detector)).endSelector()
                // A gateway pod that goes ends its streams (their clients resume elsewhere): replace one at a time,
                // the new one Ready first.
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(DetectorResources.gatewayLabels(detector)).endMetadata()
                .withNewSpec()
                .withServiceAccountName(DetectorResources.gatewayName(detector))
                // The gateway watches the scoring pods' EndpointSlices with its ServiceAccount's token.
                .withAutomountServiceAccountToken(true)
                .withSecurityContext(RestrictedProfile.pod())
                .withAffinity(spreadOverNodes(detector))
                .withContainers(container(detector, images))
                .withVolumes(volumes(gateway.getTls()))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(AnomalyDetector detector, ProductImages images) {
        return new ContainerBuilder()
                .withName("gateway")
                .withImage(images.gateway())
                .withEnv(environment(detector))
                .addNewPort().withName("grpc").withContainerPort(DetectorResources.GATEWAY_GRPC_PORT).endPort()
                .addNewPort().withName("http").withContainerPort(DetectorResources.GATEWAY_HTTP_PORT).endPort()
                .withVolumeMounts(mounts(detector.getSpec().getGateway().getTls()))
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", CPU_REQUEST).addToRequests("memory", MEMORY_REQUEST)
                        .addToLimits("memory", MEMORY_LIMIT).build())
                .withSecurityContext(RestrictedProfile.container())
                // The gateway loads no model: a minute is ample to start.
                .withNewStartupProbe().withNewHttpGet().withPath("/q/health/started").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(2).withFailureThreshold(30).endStartupProbe()
                .withNewReadinessProbe().withNewHttpGet().withPath("/q/health/ready").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(2).withFailureThreshold(2).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/q/health/live").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .build();
    }

    /** The gateway's settings (docs/GATEWAY.md), as Quarkus reads them from the environment. */
    private static List<EnvVar> environment(AnomalyDetector detector) {
        GatewaySpec gateway = detector.getSpec().getGateway();
        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVar("JAVA_TOOL_OPTIONS", JAVA_OPTIONS, null),
                new EnvVar("REFINEVAD_GATEWAY_DETECTOR", detector.getMetadata().getName(), null),
                new EnvVar("REFINEVAD_GATEWAY_PODS_SERVICE", DetectorResources.headlessServiceName(detector), null),
                new EnvVarBuilder().withName("REFINEVAD_GATEWAY_PODS_NAMESPACE").withNewValueFrom()
                        .withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                new EnvVar("REFINEVAD_GATEWAY_STREAMS_LIMIT", String.valueOf(gateway.getStreamLimit()), null)));
        secretDirs(gateway.getTls()).forEach(dir -> env.add(new EnvVar(dir.setting(), dir.path(), null)));
        return env;
    }

    private static List<VolumeMount> mounts(GatewayTlsSpec tls) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(PodVolumes.mount("tmp", "/tmp", false)));
        secretDirs(tls).forEach(dir -> mounts.add(PodVolumes.mount(dir.volume(), dir.path(), true)));
        return mounts;
    }

    private static List<Volume> volumes(GatewayTlsSpec tls) {
        List<Volume> volumes = new ArrayList<>(List.of(PodVolumes.emptyDir("tmp")));
        secretDirs(tls).forEach(dir -> volumes.add(PodVolumes.secret(dir.volume(), dir.secretName())));
        return volumes;
    }

    /**
     * A Secret the gateway reads as a folder: its volume, where it is mounted, and the gateway setting (an
     * environment variable) that names that folder.
     */
    private record SecretDir(String volume, String secretName, String path, String setting) {
    }

    /** The server certificate's folder when TLS is on, and the client CA's when mTLS is too. */
    private static List<SecretDir> secretDirs(GatewayTlsSpec tls) {
        List<SecretDir> dirs = new ArrayList<>();
        if (tls != null && tls.getSecretName() != null) {
            dirs.add(new SecretDir("tls", tls.getSecretName(), TLS_DIR, "REFINEVAD_GATEWAY_TLS_CERT_DIR"));
            if (tls.getClientCaSecretName() != null) {
                dirs.add(new SecretDir("client-ca", tls.getClientCaSecretName(), CLIENT_CA_DIR,
                        "REFINEVAD_GATEWAY_TLS_CLIENT_CA_DIR"));
            }
        }
        return dirs;
    }

    /**
     * Preferably one gateway pod per node, so that a node going down takes one replica's streams, not all; still
     * scheduled when there are fewer nodes than replicas.
     */
    private static Affinity spreadOverNodes(AnomalyDetector detector) {
        return new AffinityBuilder().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(100)
                .withNewPodAffinityTerm().withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().withMatchLabels(DetectorResources.gatewayPodSelector(detector))
                .endLabelSelector().endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity().build();
    }
}
