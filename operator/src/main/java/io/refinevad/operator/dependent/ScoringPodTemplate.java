package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.refinevad.api.HealthServices;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.operator.crd.TokenSecretSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.operator.policy.Placement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The Deployment of a detector's scoring pods: the model fetched and verified by an init container into a shared
 * volume (unless the model is built in), the server with its configuration, a TensorRT engine-cache volume, the
 * webhook's bearer token when spec.alerts.webhook names one, gRPC health probes, GPUs from the spec, the placement
 * it names, and the restricted profile ({@link RestrictedProfile}).
 */
public final class ScoringPodTemplate {

    public static final String CONFIG_HASH_ANNOTATION = "refinevad.io/config-sha256";
    /** Logs, the TensorRT engine cache and /tmp, beside the models volume. */
    private static final long SCRATCH_BYTES = 512L * 1024 * 1024;
    private static final String WEBHOOK_TOKEN_VOLUME = "webhook-token";
    private ScoringPodTemplate() {
    }

    /**
     * @param images where the product's images are: the model fetcher's, and the server's for a detector that names
     *     none (spec.runtime.image unset)
     * @param placement the node selector and tolerations of the platform's placement that the detector names
     */
    public static Deployment deployment(AnomalyDetector detector, int replicas, ProductImages images,
            Placement placement) {
        AnomalyDetectorSpec spec = detector.getSpec();
        // Pods may take the drain timeout to hand their streams back, plus a margin for the JVM to exit.
        long gracePeriod = spec.getScaling().getDrainTimeoutSeconds() + 10L;
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(DetectorResources.deploymentName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(DetectorResources.podSelector(detector)).endSelector()
                // Never fewer ready pods than wanted during a rollout: streams need somewhere to go.
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(DetectorResources.labels(detector))
                .addToAnnotations(CONFIG_HASH_ANNOTATION, configHash(ServerProperties.of(detector)))
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(gracePeriod)
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(RestrictedProfile.pod())
                .withNodeSelector(placement.nodeSelector())
                .withTolerations(placement.tolerations())
                .withInitContainers(spec.getModel().isBuiltin() ? List.of() : List.of(fetcher(spec, images)))
                .withContainers(server(spec, serverImage(spec.getRuntime(), images)))
                .withVolumes(volumes(detector))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** A digest of the server configuration: a change in it changes the template, so the pods roll. */
    public static String configHash(String serverProperties) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(serverProperties.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The detector's own image if it names one, else the operator's version of the server where the images are. */
    static String serverImage(RuntimeSpec runtime, ProductImages images) {
        return runtime.getImage() != null ? runtime.getImage() : images.inferenceServer();
    }

    private static Container fetcher(AnomalyDetectorSpec spec, ProductImages images) {
        List<VolumeMount> mounts = new ArrayList<>(
                List.of(PodVolumes.mount("models", ServerProperties.MODEL_DIR, false)));
        if (spec.getModel().getUri().startsWith("pvc://")) {
            mounts.add(PodVolumes.mount("model-source", "/source", true));
        }
        return new ContainerBuilder()
                .withName("fetch-model")
                .withImage(images.modelFetcher())
                .withCommand("sh", "-c", ModelFetchScript.SCRIPT)
                .withEnv(ModelFetchScript.environment(spec.getModel()))
                .withVolumeMounts(mounts)
                .withSecurityContext(RestrictedProfile.container())
                .withResources(new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("64Mi"))
                        .addToLimits("memory", new Quantity("256Mi"))
                        .addToLimits("ephemeral-storage", fetchStorageLimit(spec)).build())
                .build();
    }

    /**
     * The fetch's ephemeral storage: the models volume at its size limit (the archive and what it unpacks to), and
     * room for logs and the server's scratch volumes. The kubelet holds the whole pod to the larger of its init
     * containers' limits and the sum of its other containers' (which set none), so this bounds the pod's disk too.
     */
    static Quantity fetchStorageLimit(AnomalyDetectorSpec spec) {
        return new Quantity(String.valueOf(modelsVolumeBytes(spec) + SCRATCH_BYTES));
    }

    private static long modelsVolumeBytes(AnomalyDetectorSpec spec) {
        return 2 * ModelFetchScript.sizeLimitBytes(spec.getModel());
    }

    private static Container server(AnomalyDetectorSpec spec, String image) {
        return new ContainerBuilder()
                .withName("scorer")
                .withImage(image)
                .withEnv(serverEnvironment(spec))
                .addNewPort().withName("grpc").withContainerPort(DetectorResources.GRPC_PORT).endPort()
                .addNewPort().withName("admin").withContainerPort(DetectorResources.ADMIN_PORT).endPort()
                .addNewPort().withName("http").withContainerPort(DetectorResources.HTTP_PORT).endPort()
                .withVolumeMounts(serverMounts(spec))
                .withResources(resources(spec.getRuntime()))
                .withSecurityContext(RestrictedProfile.container())
                // Loading and verifying a model can take a while on a cold node; the startup probe allows 3 minutes.
                .withNewStartupProbe().withNewGrpc().withPort(DetectorResources.GRPC_PORT).endGrpc()
                .withPeriodSeconds(2).withFailureThreshold(90).endStartupProbe()
                // Readiness follows gRPC health, which turns NOT_SERVING when the pod drains: no new streams come.
                .withNewReadinessProbe().withNewGrpc().withPort(DetectorResources.GRPC_PORT).endGrpc()
                .withPeriodSeconds(2).withFailureThreshold(1).endReadinessProbe()
                // Liveness asks for a health service of its own, which stays SERVING while the pod drains (it must
                // not be killed then) and turns NOT_SERVING when the server can no longer score (its batcher died).
                .withNewLivenessProbe().withNewGrpc().withPort(DetectorResources.GRPC_PORT)
                .withService(HealthServices.LIVENESS).endGrpc()
                .withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
                .build();
    }

    private static List<VolumeMount> serverMounts(AnomalyDetectorSpec spec) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                PodVolumes.mount("config", "/etc/refinevad", true),
                PodVolumes.mount("models", ServerProperties.MODEL_DIR, true),
                PodVolumes.mount("engine-cache", ServerProperties.ENGINE_CACHE_DIR, false),
                PodVolumes.mount("tmp", "/tmp", false)));
        webhookToken(spec).ifPresent(token ->
                mounts.add(PodVolumes.mount(WEBHOOK_TOKEN_VOLUME, ServerProperties.WEBHOOK_TOKEN_DIR, true)));
        return mounts;
    }

    private static Optional<TokenSecretSpec> webhookToken(AnomalyDetectorSpec spec) {
        return Optional.ofNullable(spec.getAlerts().getWebhook()).map(WebhookSpec::getTokenSecret);
    }

    private static List<EnvVar> serverEnvironment(AnomalyDetectorSpec spec) {
        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVar("QUARKUS_CONFIG_LOCATIONS", "/etc/refinevad/" + ServerConfigMapDependent.FILE, null),
                new EnvVar("REFINEVAD_GPU_ENGINE_CACHE_DIR", ServerProperties.ENGINE_CACHE_DIR, null)));
        if (!spec.getModel().isBuiltin()) {
            env.add(new EnvVar("REFINEVAD_MODEL_DIR", ServerProperties.MODEL_DIR, null));
        }
        return env;
    }

    private static ResourceRequirements resources(RuntimeSpec runtime) {
        ResourceRequirementsBuilder resources = runtime.getResources() == null
                ? new ResourceRequirementsBuilder()
                        .addToRequests("cpu", new Quantity("1")).addToRequests("memory", new Quantity("768Mi"))
                : new ResourceRequirementsBuilder(runtime.getResources());
        resources.addToLimits("memory", ScoringMemory.limitOf(runtime));
        if (runtime.getGpus() > 0) {
            resources.addToLimits("nvidia.com/gpu", new Quantity(String.valueOf(runtime.getGpus())));
        }
        return resources.build();
    }

    private static List<Volume> volumes(AnomalyDetector detector) {
        AnomalyDetectorSpec spec = detector.getSpec();
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("config").withNewConfigMap()
                        .withName(DetectorResources.configMapName(detector)).endConfigMap().build(),
                // The archive and what it unpacks to, each at most the model's size limit (the fetch script stops
                // either one byte past it); the kubelet evicts a pod whose volume outgrows this.
                new VolumeBuilder().withName("models").withNewEmptyDir().withSizeLimit(
                        new Quantity(String.valueOf(modelsVolumeBytes(spec))))
                        .endEmptyDir().build(),
                PodVolumes.emptyDir("engine-cache"),
                PodVolumes.emptyDir("tmp")));
        webhookToken(spec).ifPresent(token -> volumes.add(PodVolumes.secretKey(WEBHOOK_TOKEN_VOLUME, token.getName(),
                token.getKey(), ServerProperties.WEBHOOK_TOKEN_NAME)));
        if (spec.getModel().getUri().startsWith("pvc://")) {
            String claim = spec.getModel().getUri().substring("pvc://".length()).split("/", 2)[0];
            volumes.add(new VolumeBuilder().withName("model-source").withNewPersistentVolumeClaim()
                    .withClaimName(claim).withReadOnly(true).endPersistentVolumeClaim().build());
        }
        return volumes;
    }
}
