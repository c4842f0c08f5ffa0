package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.operator.DetectorOperator;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.reconciler.OperatorSettings;
import io.refinevad.testsupport.DetectorFixture;
import io.refinevad.testsupport.PackagedApp;
import io.refinevad.testsupport.Pods;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Shared by the operator's cluster tests: the CRD from crds/, detectors, and the operator run in the test JVM. */
final class OperatorTestSupport {

    static final int FEATURE_DIM = 512;
    /** Quick polling keeps the tests short; the product default is 5 s. */
    static final OperatorSettings FAST = new OperatorSettings(Duration.ofSeconds(1), Duration.ofSeconds(1));

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OperatorTestSupport() {
    }

    /** Installs (or updates) the checked-in CRD, as the Helm chart would, and waits until it is served. */
    static void installCrd(KubernetesClient client, Path repository) throws IOException {
        applyCrd(client, repository.resolve("crds/anomalydetectors.refinevad.io-v1.yml"));
    }

    /** Applies a CRD from a file (server-side: a large one exceeds the annotation client-side apply writes). */
    static void applyCrd(KubernetesClient client, Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.resource(crd).forceConflicts().serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                            .anyMatch(cond -> "Established".equals(cond.getType())
                                    && "True".equals(cond.getStatus())), 30, TimeUnit.SECONDS);
        }
    }

    /**
     * What an operator run outside the chart needs cluster-wide, from the chart's own sources: the CRD, and the
     * ClusterRole that the operator binds each detector's gateway ServiceAccount to, rendered by helm under the name
     * the operator assumes by default (the chart's for a release named refinevad).
     */
    static void installClusterResources(LocalCluster cluster) throws IOException, InterruptedException {
        installCrd(cluster.admin(), cluster.repository());
        String role = ClusterTools.run(cluster, "helm", "template", "refinevad",
                cluster.repository().resolve("helm/refinevad-operator").toString(), "--kube-version",
                kubeVersion(cluster), "--show-only", "templates/gateway-clusterrole.yaml");
        ClusterRole gatewayRole = cluster.admin().rbac().clusterRoles()
                .load(new ByteArrayInputStream(role.getBytes(StandardCharsets.UTF_8))).item();
        cluster.admin().resource(gatewayRole).forceConflicts().serverSideApply();
    }

    /**
     * The chart's values that pin every image to the one `make images` built (build/images/digests.yaml), which the
     * real node imported by tag and by digest: the suites install the chart pinned, as a platform team would.
     */
    static Path pinnedImages(LocalCluster cluster) {
        Path values = cluster.repository().resolve("build/images/digests.yaml");
        assertThat(values).as("written by make images, which make e2e-test runs first").isRegularFile();
        return values;
    }

    /** The digests of build/images/digests.yaml, by the chart's image names (operator, inferenceServer, ...). */
    @SuppressWarnings("unchecked")
    static Map<String, String> pinnedDigests(LocalCluster cluster) throws IOException {
        Map<String, Object> values = new KubernetesSerialization().unmarshal(
                Files.readString(pinnedImages(cluster)), Map.class);
        return (Map<String, String>) ((Map<String, Object>) values.get("image")).get("digests");
    }

    /** The local cluster's Kubernetes version, for helm template (offline, it assumes an old one). */
    static String kubeVersion(LocalCluster cluster) {
        return cluster.admin().getKubernetesVersion().getGitVersion();
    }

    static DetectorOperator startOperator(KubernetesClient client) {
        DetectorOperator operator = new DetectorOperator(client, new SimpleMeterRegistry(), FAST, Optional.empty());
        operator.start();
        return operator;
    }

    /**
     * The packaged operator (operator/target/quarkus-app) as users run it, java -jar against a kubeconfig, with its
     * health and metrics on `httpPort` and its output in target/`log`. Callers add settings and start it.
     */
    static PackagedApp.Builder packagedOperator(LocalCluster cluster, Path kubeconfig, int httpPort, String log) {
        return PackagedApp.builder(cluster.repository().resolve("operator/target/quarkus-app/quarkus-run.jar"))
                .property("quarkus.http.port", httpPort)
                .environment("KUBECONFIG", kubeconfig.toString())
                .log(Path.of("target", log).toAbsolutePath());
    }

    /** GET on a packaged application's HTTP port (health, metrics). */
    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Changes spec.runtime.maxBatchSize as `kubectl patch --type merge` would. It carries no resourceVersion, so a
     * status write by the operator between reading and writing cannot make it fail with a conflict, as an edit can.
     */
    static void setMaxBatchSize(KubernetesClient client, String namespace, String name, int size) {
        client.resources(AnomalyDetector.class).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"runtime\":{\"maxBatchSize\":" + size + "}}}");
    }

    /**
     * Deletes the namespace's detectors and waits until they are gone. A suite calls it before it stops its
     * operator: a detector carries the operator's finalizer, so one left behind would hold the namespace in
     * Terminating once no operator runs to remove it.
     */
    static void deleteDetectors(KubernetesClient client, String namespace) {
        client.resources(AnomalyDetector.class).inNamespace(namespace).delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                client.resources(AnomalyDetector.class).inNamespace(namespace).list().getItems()).isEmpty());
    }

    /**
     * The detector's scoring pods that are Ready and not being deleted (none yet is an empty list): by the scoring
     * pods' own selector, which the detector's gateway pods do not match.
     */
    static List<Pod> readyPods(KubernetesClient client, String namespace, String detector) {
        return client.pods().inNamespace(namespace)
                .withLabels(DetectorResources.podSelector(DetectorFixture.minimal(AnomalyDetector.class, namespace,
                        detector)))
                .list().getItems().stream().filter(Pods::isReady).toList();
    }

    /** One of the detector's Ready scoring pods, waiting until there is one. */
    static Pod firstReadyPod(KubernetesClient client, String namespace, String detector) {
        return await().atMost(Duration.ofSeconds(120))
                .until(() -> readyPods(client, namespace, detector), pods -> !pods.isEmpty()).get(0);
    }

    /**
     * The detector's scoring address as a user reaches it from outside the pods: its Service's ClusterIP and port
     * (kube-proxy's rules serve it on this host; there is no cluster DNS for status.endpoint's name here). Returns
     * once every Ready pod behind the Service says it can take work (the Open Inference Protocol's ServerReady: a
     * gateway once it knows a scoring pod's model and load, a scoring pod once its model is loaded), and the
     * ClusterIP accepts a connection: kube-proxy follows the Service's endpoints on its own time.
     */
    static String serviceTarget(KubernetesClient client, String namespace, String detector) {
        Service service = await().atMost(Duration.ofSeconds(60))
                .until(() -> client.services().inNamespace(namespace).withName(detector).get(), found -> found != null);
        String host = service.getSpec().getClusterIP();
        int port = service.getSpec().getPorts().get(0).getPort();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
            List<Pod> behind = client.pods().inNamespace(namespace).withLabels(service.getSpec().getSelector()).list()
                    .getItems().stream().filter(Pods::isReady).toList();
            assertThat(behind).as("Ready pods behind Service %s", detector).isNotEmpty()
                    .allSatisfy(pod -> assertThat(serverReady(pod))
                            .as("ServerReady of %s", pod.getMetadata().getName()).isTrue());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2000);
            }
        });
        return host + ":" + port;
    }

    /** The pod's own answer on its port named grpc, which the Service targets. */
    private static boolean serverReady(Pod pod) {
        int port = pod.getSpec().getContainers().stream().flatMap(container -> container.getPorts().stream())
                .filter(containerPort -> "grpc".equals(containerPort.getName())).findFirst().orElseThrow()
                .getContainerPort();
        ManagedChannel channel = ManagedChannelBuilder.forAddress(pod.getStatus().getPodIP(), port).usePlaintext()
                .build();
        try {
            return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .serverReady(ServerReadyRequest.getDefaultInstance()).getReady();
        } finally {
            channel.shutdownNow();
        }
    }

    /** The pod's scoring address, host:port, for a client aimed at this one pod. */
    static String grpcTarget(Pod pod) {
        return pod.getStatus().getPodIP() + ":" + DetectorResources.GRPC_PORT;
    }

    /** The streams open on a scoring pod, from its own load report (the node's host reaches pod addresses). */
    static int activeStreams(Pod pod) {
        ManagedChannel admin = ManagedChannelBuilder.forAddress(pod.getStatus().getPodIP(),
                DetectorResources.ADMIN_PORT).usePlaintext().build();
        try {
            return AdminGrpc.newBlockingStub(admin).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getLoadReport(GetLoadReportRequest.getDefaultInstance()).getActiveStreams();
        } finally {
            admin.shutdownNow();
        }
    }

    /** The detector, asserted present (an AssertionError, so Awaitility retries until it exists). */
    static AnomalyDetector live(KubernetesClient client, String namespace, String name) {
        AnomalyDetector detector = client.resources(AnomalyDetector.class).inNamespace(namespace).withName(name).get();
        assertThat(detector).as("detector %s", name).isNotNull();
        return detector;
    }

    /** The detector's status, asserted present (so Awaitility retries until the operator has written one). */
    static AnomalyDetectorStatus status(KubernetesClient client, String namespace, String name) {
        AnomalyDetectorStatus status = live(client, namespace, name).getStatus();
        assertThat(status).as("status of %s", name).isNotNull();
        return status;
    }

    /** The condition of that type, asserted present. */
    static Condition condition(AnomalyDetectorStatus status, String type) {
        assertThat(status.getConditions()).as("conditions").isNotNull();
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet: " + status.getConditions()));
    }

    /** That the operator has seen the detector's latest spec. */
    static void assertObservedLatestGeneration(KubernetesClient client, String namespace, String name) {
        AnomalyDetector detector = live(client, namespace, name);
        assertThat(detector.getStatus()).as("status of %s", name).isNotNull();
        assertThat(detector.getStatus().getObservedGeneration()).isEqualTo(detector.getMetadata().getGeneration());
    }

    /** The scoring server's configuration the operator wrote, asserted present. */
    static String serverProperties(KubernetesClient client, String namespace, String detector) {
        ConfigMap config = client.configMaps().inNamespace(namespace).withName(detector + "-config").get();
        assertThat(config).as("ConfigMap %s-config", detector).isNotNull();
        assertThat(config.getData()).as("its data").isNotNull();
        return config.getData().get("application.properties");
    }

    /** Camera features the default model accepts: [segments, 512] standard normal values. */
    static float[] randomFeatures(int segments, long seed) {
        Random random = new Random(seed);
        float[] features = new float[segments * FEATURE_DIM];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        return features;
    }

    /**
     * The minimal detector, with small requests: the product's default of one CPU per scoring pod would let a
     * 2-core node (this machine's real node) hold a single pod, and the suites scale to three. The operator adds the
     * memory limit it derives for the detector, as to any resources that set none.
     */
    static AnomalyDetector detector(String namespace, String name) {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, namespace, name);
        detector.getSpec().getRuntime().setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("256Mi")).build());
        return detector;
    }
}
