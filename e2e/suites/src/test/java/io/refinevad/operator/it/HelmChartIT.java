package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.client.AnomalyIntervals;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.testsupport.Pods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Helm chart with real Helm on the local cluster: lint-clean, its rendering accepted by the API server for the
 * main value combinations (both RBAC modes among them; what each grants is ChartRbacIT's), and installed: the
 * operator runs as a pod of the chart under the chart's ServiceAccount (its pod reaches the API through the
 * `kubernetes` Service with the token the kubelet mounts), watches its release namespace only, reconciles the CPU
 * example there to Ready, which serves streams through its Service, and uninstalling leaves nothing of the chart
 * behind.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final String RELEASE = "vad";
    /** The ClusterRole the chart gives the detectors' gateways, which the operator may bind and nothing more. */
    private static final String GATEWAY_ROLE = "vad-refinevad-operator-gateway";

    @Test
    @Order(1)
    void theChartLintsClean(LocalCluster cluster) throws Exception {
        String output = ClusterTools.run(cluster, "helm", "lint", "--strict", chart(cluster).toString());
        assertThat(output).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    @Order(2)
    void theRenderedChartIsAcceptedByTheApiServer(LocalCluster cluster, TestNamespace namespace) throws Exception {
        for (List<String> values : List.of(List.<String>of(), List.of("--set", "replicas=2"),
                List.of("--set", "metrics.service.enabled=false", "--set", "serviceAccount.name=custom"),
                List.of("--set", "watchNamespaces={" + namespace.name() + "}"),
                List.of("--set", "clusterWide=true"))) {
            List<String> template = new ArrayList<>(List.of("helm", "template", RELEASE, chart(cluster).toString(),
                    "--namespace", namespace.name(), "--kube-version", OperatorTestSupport.kubeVersion(cluster),
                    "--include-crds"));
            template.addAll(values);
            Path rendered = Files.createTempFile(Path.of("target").toAbsolutePath(), "chart-", ".yaml");
            Files.writeString(rendered, ClusterTools.run(cluster, template.toArray(String[]::new)));
            String applied = ClusterTools.run(cluster, "kubectl", "apply", "--dry-run=server", "-f",
                    rendered.toString());
            assertThat(applied).as("values %s", values).contains("deployment.apps/vad-refinevad-operator created");
        }
        ClusterTools.Result both = ClusterTools.call(cluster, "helm", "template", RELEASE, chart(cluster).toString(),
                "--kube-version", OperatorTestSupport.kubeVersion(cluster), "--set", "clusterWide=true",
                "--set", "watchNamespaces={" + namespace.name() + "}");
        assertThat(both.exit()).as("clusterWide with watchNamespaces is refused").isNotZero();
        assertThat(both.errors()).contains("leave watchNamespaces empty");
    }

    /**
     * Installed with the defaults, namespace-scoped: the operator, whose Role is in its release namespace only,
     * watches that namespace only. It starts (an informer on every namespace could not list, and its pod would not
     * be Ready), reconciles a detector there, and leaves alone one created earlier in a namespace it does not watch.
     */
    @Test
    @Order(3)
    void anInstalledOperatorRunsUnderTheChartsServiceAccountAndReconciles(LocalCluster cluster,
            KubernetesClient client, TestNamespace namespace) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(unwatched(namespace))
                .endMetadata().build()).create();
        String installed = ClusterTools.run(cluster, "helm", "install", RELEASE, chart(cluster).toString(),
                "--namespace", namespace.name(), "--set", "operator.pollInterval=1s", "--values",
                OperatorTestSupport.pinnedImages(cluster).toString());
        assertThat(installed).contains("STATUS: deployed", "kubectl apply -f");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(operatorPods(client, namespace))
                .singleElement().satisfies(pod -> assertThat(Pods.isReady(pod)).isTrue()));
        assertThat(operatorPods(client, namespace).get(0).getSpec().getServiceAccountName())
                .isEqualTo("vad-refinevad-operator");

        createTheExample(cluster, client, unwatched(namespace));
        createTheExample(cluster, client, namespace.name());
        // GatewayReady (every gateway pod ready) shows the chart's operator could bind the gateway's role: without
        // it no gateway would list the scoring pods' EndpointSlices, and none would be ready.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetectorStatus status = OperatorTestSupport.status(client, namespace.name(), "cameras");
            assertThat(OperatorTestSupport.condition(status, ConditionType.READY).getStatus()).isEqualTo("True");
            assertThat(OperatorTestSupport.condition(status, ConditionType.GATEWAY_READY).getStatus())
                    .isEqualTo("True");
        });
        AnomalyDetector ignored = client.resources(AnomalyDetector.class).inNamespace(unwatched(namespace))
                .withName("cameras").get();
        assertThat(ignored.getMetadata().getFinalizers()).as("no finalizer on a detector not watched").isEmpty();
        assertThat(ignored.getStatus().getObservedGeneration()).as("never reconciled: no status").isNull();
        assertThat(ignored.getStatus().getConditions()).as("no conditions").isEmpty();
        assertThat(client.apps().deployments().inNamespace(unwatched(namespace)).list().getItems())
                .as("no Deployment in a namespace not watched").isEmpty();
        assertTheAdminPortAdmitsThisOperatorPod(client, namespace);
        assertEveryImageIsPinnedToTheOneBuilt(cluster, client, namespace);
        streamThroughTheDetectorsService(cluster, client, namespace);
        client.resources(AnomalyDetector.class).inNamespace(namespace.name()).withName("cameras").delete();
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(client.apps().deployments().inNamespace(namespace.name()).withName("cameras").get())
                        .isNull());
    }

    @Test
    @Order(4)
    void uninstallingLeavesNothingOfTheChartButTheCrd(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        ClusterTools.run(cluster, "helm", "uninstall", RELEASE, "--namespace", namespace.name(), "--wait");

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace(namespace.name()).list().getItems()).isEmpty();
            assertThat(client.serviceAccounts().inNamespace(namespace.name()).withName("vad-refinevad-operator").get())
                    .isNull();
            assertThat(client.rbac().roles().inNamespace(namespace.name()).withName("vad-refinevad-operator").get())
                    .isNull();
            assertThat(client.rbac().roleBindings().inNamespace(namespace.name()).withName("vad-refinevad-operator")
                    .get()).isNull();
            assertThat(client.rbac().clusterRoles().withName(GATEWAY_ROLE).get()).isNull();
            assertThat(operatorPods(client, namespace)).isEmpty();
        });
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("anomalydetectors.refinevad.io")
                .get()).as("Helm keeps CRDs").isNotNull();
        client.namespaces().withName(unwatched(namespace)).delete();
    }

    /** A namespace the installed operator does not watch (the chart's default watches its release namespace). */
    private static String unwatched(TestNamespace namespace) {
        return namespace.name() + "-unwatched";
    }

    private static void createTheExample(LocalCluster cluster, KubernetesClient client, String namespace)
            throws Exception {
        try (InputStream example = Files.newInputStream(cluster.repository().resolve("examples/cpu-detector.yaml"))) {
            AnomalyDetector detector = client.resources(AnomalyDetector.class).load(example).item();
            detector.getMetadata().setNamespace(namespace);
            client.resource(detector).create();
        }
    }

    /** Several cameras streamed through the detector's Service (its ClusterIP), as a user's client would. */
    private static void streamThroughTheDetectorsService(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        NpyFloatMatrix clip = NpyFloatMatrix.read(
                cluster.repository().resolve("model/default/export/golden/stream_x.npy"));
        int segments = clip.shape()[0];
        try (ScoringClient scoring = new ScoringClient(
                OperatorTestSupport.serviceTarget(client, namespace.name(), "cameras"))) {
            List<CompletableFuture<StreamResult>> cameras = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                cameras.add(scoring.stream("camera-" + i, clip.values(), segments, clip.shape()[1], 20));
            }
            for (CompletableFuture<StreamResult> camera : cameras) {
                StreamResult result = camera.get(60, TimeUnit.SECONDS);
                assertThat(result.status().isOk()).as("%s: %s", result.streamId(), result.status()).isTrue();
                assertThat(result.scores()).hasSize(segments);
                assertThat(AnomalyIntervals.detect(result.scores(), result.evidence(), result.categories(), 0.5f, 2))
                        .as("the golden clip's anomaly is found").isNotEmpty();
            }
        }
    }

    /**
     * The detector's NetworkPolicy admits to the admin port the pods its selector picks in the namespace it names:
     * from the chart (downward API, selector labels), that is exactly this release's operator pod.
     */
    private static void assertTheAdminPortAdmitsThisOperatorPod(KubernetesClient client, TestNamespace namespace) {
        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(namespace.name())
                .withName("cameras").get();
        assertThat(policy).as("the detector's NetworkPolicy").isNotNull();
        NetworkPolicyPeer operator = policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream()
                        .anyMatch(port -> port.getPort().getIntVal() == DetectorResources.ADMIN_PORT))
                .flatMap(rule -> rule.getFrom().stream()).findFirst().orElseThrow();
        String operatorNamespace = operator.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
        assertThat(client.pods().inNamespace(operatorNamespace).withLabels(operator.getPodSelector().getMatchLabels())
                .list().getItems()).extracting(pod -> pod.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(operatorPods(client, namespace).stream()
                        .map(pod -> pod.getMetadata().getName()).toList());
    }

    private static List<Pod> operatorPods(KubernetesClient client, TestNamespace namespace) {
        return client.pods().inNamespace(namespace.name()).withLabel("app.kubernetes.io/name", "refinevad-operator")
                .list().getItems();
    }

    /**
     * Installed with build/images/digests.yaml, the operator's pod and the pods it makes run the images by digest
     * (name:version@sha256:...), which the node found without a pull: the pods are Ready.
     */
    private static void assertEveryImageIsPinnedToTheOneBuilt(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws IOException {
        Map<String, String> digests = OperatorTestSupport.pinnedDigests(cluster);
        assertThat(operatorPods(client, namespace).get(0).getSpec().getContainers().get(0).getImage())
                .isEqualTo(ProductImages.AS_BUILT.operator() + "@" + digests.get("operator"));
        String scoring = client.apps().deployments().inNamespace(namespace.name()).withName("cameras").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        assertThat(scoring).isEqualTo(ProductImages.AS_BUILT.inferenceServer() + "@" + digests.get("inferenceServer"));
        String gateway = client.apps().deployments().inNamespace(namespace.name())
                .withName("cameras" + DetectorResources.GATEWAY_SUFFIX).get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        assertThat(gateway).isEqualTo(ProductImages.AS_BUILT.gateway() + "@" + digests.get("gateway"));
    }

    private static Path chart(LocalCluster cluster) {
        return cluster.repository().resolve("helm/refinevad-operator");
    }
}
