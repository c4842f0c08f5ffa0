package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.FEATURE_DIM;
import static io.refinevad.operator.it.OperatorTestSupport.condition;
import static io.refinevad.operator.it.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grpc.Status;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterExtension;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.it.TimeseriesChart.Window;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chart's monitoring pieces against a real Prometheus (the one e2e/tools/build-tools.sh builds, run on this
 * host). With the Prometheus Operator's CRDs applied, the chart installs its ServiceMonitor, PodMonitor,
 * PrometheusRule and dashboard ConfigMap (so the API server accepted them against the CRDs' schemas). Prometheus
 * scrapes what those monitors select (MonitorScrapeJobs: Kubernetes discovery with this cluster's kubeconfig) and
 * loads the PrometheusRule's groups as its rule file; while cameras stream, every query of the dashboard returns
 * data, and every alert fires on a condition the test causes: streams beyond a pod's capacity, a detector the
 * platform policy refuses (Degraded), a webhook receiver that refuses events, and latency and queue thresholds
 * lowered in monitoring-values.yaml below what any pod does. At the end, the dashboard's timeseries panels are drawn
 * from their own queries over the run into target/dashboard.svg (the picture in docs/OPERATOR.md), each with data.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    private static final String NAME = "cameras";
    private static final String REFUSED = "too-big";
    private static final int CAPACITY = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String MONITORING = "monitoring.coreos.com/v1";
    private static final List<String> ALERTS = List.of("RefineVADScoringLatencyHigh", "RefineVADQueueFull",
            "RefineVADStreamsRefused", "RefineVADDetectorDegraded", "RefineVADEventsDropped");
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(2);
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    /** Before the chart: without the CRDs, helm install would fail on the monitoring objects. */
    @RegisterExtension
    @Order(1)
    static final BeforeAllCallback PROMETHEUS_OPERATOR_CRDS = context -> {
        LocalCluster cluster = LocalClusterExtension.namespaceOf(context).cluster();
        Path crds = cluster.toolsDir().resolveSibling("crds");
        for (String kind : List.of("servicemonitors", "podmonitors", "prometheusrules")) {
            OperatorTestSupport.applyCrd(cluster.admin(), crds.resolve("monitoring.coreos.com_" + kind + ".yaml"));
        }
    };

    private static final Path VALUES = Path.of("src/test/resources/monitoring-values.yaml").toAbsolutePath();

    @RegisterExtension
    @Order(2)
    static final ChartOperator operator = new ChartOperator("monitoring", List.of("--values", VALUES.toString()));

    /**
     * Installed (by ChartOperator, with monitoring-values.yaml), the four objects exist, so the API server took them
     * against the CRDs' schemas; the PodMonitor's other namespace selectors (listed namespaces, cluster-wide) pass
     * a server-side dry run.
     */
    @Test
    @Order(1)
    void theChartsMonitoringObjectsAreAcceptedByTheApiServer(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        assertThat(monitoringObject(client, namespace, "ServiceMonitor", "monitoring-refinevad-operator"))
                .isNotNull();
        assertThat(monitoringObject(client, namespace, "PodMonitor", "monitoring-refinevad-operator-detectors"))
                .isNotNull();
        assertThat(monitoringObject(client, namespace, "PrometheusRule", "monitoring-refinevad-operator"))
                .isNotNull();
        ConfigMap dashboard = client.configMaps().inNamespace(namespace.name())
                .withName("monitoring-refinevad-operator-dashboard").get();
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getData()).containsKey("refinevad.json");
        for (String scope : List.of("watchNamespaces={" + namespace.name() + ",other}", "clusterWide=true")) {
            Path rendered = Files.createTempFile(Path.of("target").toAbsolutePath(), "monitoring-", ".yaml");
            Files.writeString(rendered, ClusterTools.run(cluster, "helm", "template", "scoped",
                    cluster.repository().resolve("helm/refinevad-operator").toString(), "--namespace",
                    namespace.name(), "--kube-version", OperatorTestSupport.kubeVersion(cluster), "--values",
                    VALUES.toString(), "--set", scope, "--show-only", "templates/monitoring-podmonitor.yaml"));
            assertThat(ClusterTools.run(cluster, "kubectl", "apply", "--dry-run=server", "-f", rendered.toString()))
                    .as(scope).contains("podmonitor.monitoring.coreos.com/scoped-refinevad-operator-detectors created");
        }
    }

    @Test
    @Order(2)
    void everyDashboardQueryReturnsDataAndEveryAlertFires(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        HttpServer refusingReceiver = HttpServer.create(new InetSocketAddress(cluster.nodeAddress(), 0), 0);
        refusingReceiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        refusingReceiver.start();
        try (HostPrometheus prometheus = HostPrometheus.start(cluster, "monitoring-prometheus",
                prometheusConfig(cluster, client, namespace), rules(client, namespace))) {
            Instant runStart = Instant.now();
            createDetectors(client, namespace, "http://" + cluster.nodeAddress() + ":"
                    + refusingReceiver.getAddress().getPort() + "/events");
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(prometheus.healthyTargetJobs())
                    .as("targets up: the operator's Service, the scoring and gateway pods")
                    .contains("monitoring-refinevad-operator-metrics",
                            namespace.name() + "/monitoring-refinevad-operator-detectors"));
            streamAndCheck(cluster, client, namespace, prometheus);
            drawDashboard(client, namespace, prometheus, new Window(runStart, Instant.now(), SCRAPE_INTERVAL));
        } finally {
            refusingReceiver.stop(0);
        }
    }

    private static void streamAndCheck(LocalCluster cluster, KubernetesClient client, TestNamespace namespace,
            HostPrometheus prometheus) throws Exception {
        NpyFloatMatrix clip = NpyFloatMatrix.read(
                cluster.repository().resolve("model/default/export/golden/stream_x.npy"));
        float[] anomalous = repeated(clip.values(), 6);
        int segments = 6 * clip.shape()[0];
        try (ScoringClient scoring = new ScoringClient(
                OperatorTestSupport.serviceTarget(client, namespace.name(), NAME))) {
            // A steady camera keeps the latency and batch histograms filled while the queries run; the golden clip's
            // cameras cause anomaly events (which the receiver refuses) and, 4 streams at 2 per pod, a scale-up.
            scoring.stream("steady", OperatorTestSupport.randomFeatures(3000, 11), 3000, FEATURE_DIM, 10);
            List<CompletableFuture<StreamResult>> cameras = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                cameras.add(scoring.stream("camera-" + i, anomalous, segments, FEATURE_DIM, 10));
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                    status(client, namespace.name(), NAME).getDesiredReplicas()).isEqualTo(2));
            for (CompletableFuture<StreamResult> camera : cameras) {
                StreamResult result = camera.get(120, TimeUnit.SECONDS);
                assertThat(result.status().isOk()).as("%s: %s", result.streamId(), result.status()).isTrue();
            }
            AtomicInteger attempts = new AtomicInteger();
            await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
                streamBeyondCapacity(client, namespace, attempts.incrementAndGet());
                assertThat(prometheus.firingAlerts()).contains("RefineVADStreamsRefused");
            });
            List<String> queries = dashboard(client, namespace).queries(namespace.name());
            assertThat(queries).as("queries of the dashboard").hasSizeGreaterThan(10);
            for (String query : queries) {
                await().atMost(TIMEOUT).untilAsserted(() -> assertThat(prometheus.query(query))
                        .as("dashboard query %s", query)
                        .anySatisfy(sample -> assertThat(Double.parseDouble(sample.path("value").get(1).asText()))
                                .isFinite()));
            }
            for (String expression : ruleExpressions(client, namespace)) {
                prometheus.query(expression);
            }
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(prometheus.firingAlerts())
                    .containsAll(ALERTS));
        }
    }

    /**
     * More streams than its capacity straight at one scoring pod (its own address, past the gateway): at least one
     * is refused with RESOURCE_EXHAUSTED, which the pod counts.
     */
    private static void streamBeyondCapacity(KubernetesClient client, TestNamespace namespace, int attempt)
            throws Exception {
        String pod = OperatorTestSupport.grpcTarget(OperatorTestSupport.firstReadyPod(client, namespace.name(), NAME));
        float[] features = OperatorTestSupport.randomFeatures(30, attempt);
        try (ScoringClient direct = new ScoringClient(pod)) {
            List<CompletableFuture<StreamResult>> streams = new ArrayList<>();
            for (int i = 0; i <= CAPACITY; i++) {
                streams.add(direct.stream("overflow-" + attempt + "-" + i, features, 30, FEATURE_DIM, 10));
            }
            List<Status.Code> codes = new ArrayList<>();
            for (CompletableFuture<StreamResult> stream : streams) {
                codes.add(stream.get(60, TimeUnit.SECONDS).status().getCode());
            }
            assertThat(codes).contains(Status.Code.RESOURCE_EXHAUSTED);
        }
    }

    /**
     * "cameras": 4 streams per pod at most, 2 wanted, up to 2 pods, its anomaly events posted to the receiver;
     * "too-big": asks for more replicas than the platform allows (policy.maxReplicas 2), so the operator refuses it
     * and marks it Degraded.
     */
    private static void createDetectors(KubernetesClient client, TestNamespace namespace, String receiver) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), NAME);
        detector.getSpec().getRuntime().setStreamCapacity(CAPACITY);
        detector.getSpec().getScaling().setMinReplicas(1);
        detector.getSpec().getScaling().setMaxReplicas(2);
        detector.getSpec().getScaling().setTargetStreamsPerReplica(2);
        client.resource(detector).create();
        client.resources(AnomalyDetector.class).inNamespace(namespace.name()).withName(NAME)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"alerts\":{\"webhook\":{\"url\":\""
                        + receiver + "\",\"allowHttp\":true}}}}");
        AnomalyDetector tooBig = OperatorTestSupport.detector(namespace.name(), REFUSED);
        tooBig.getSpec().getScaling().setMaxReplicas(3);
        client.resource(tooBig).create();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(condition(status(client, namespace.name(), NAME), ConditionType.READY).getStatus())
                    .isEqualTo("True");
            assertThat(condition(status(client, namespace.name(), REFUSED), ConditionType.DEGRADED).getStatus())
                    .isEqualTo("True");
        });
    }

    /** Scrape jobs from the monitors as the API server holds them; rules and scrapes every 2 s. */
    private static String prometheusConfig(LocalCluster cluster, KubernetesClient client, TestNamespace namespace) {
        Map<String, Object> config = new LinkedHashMap<>();
        String every = SCRAPE_INTERVAL.toSeconds() + "s";
        config.put("global", Map.of("scrape_interval", every, "scrape_timeout", every, "evaluation_interval", every));
        config.put("rule_files", List.of("rules.yml"));
        config.put("scrape_configs", List.of(
                MonitorScrapeJobs.serviceMonitor(monitoringObject(client, namespace, "ServiceMonitor",
                        "monitoring-refinevad-operator"), cluster.kubeconfig()),
                MonitorScrapeJobs.podMonitor(monitoringObject(client, namespace, "PodMonitor",
                        "monitoring-refinevad-operator-detectors"), cluster.kubeconfig())));
        return YAML.asYaml(config);
    }

    /** The PrometheusRule's groups, as a Prometheus rule file. */
    private static String rules(KubernetesClient client, TestNamespace namespace) {
        return YAML.asYaml(Map.of("groups", ruleGroups(client, namespace)));
    }

    private static List<String> ruleExpressions(KubernetesClient client, TestNamespace namespace) {
        List<String> expressions = new ArrayList<>();
        for (Object group : ruleGroups(client, namespace)) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                expressions.add((String) ((Map<?, ?>) rule).get("expr"));
            }
        }
        assertThat(expressions).hasSize(ALERTS.size());
        return expressions;
    }

    private static List<?> ruleGroups(KubernetesClient client, TestNamespace namespace) {
        GenericKubernetesResource rule = monitoringObject(client, namespace, "PrometheusRule",
                "monitoring-refinevad-operator");
        return (List<?>) ((Map<?, ?>) rule.getAdditionalProperties().get("spec")).get("groups");
    }

    /**
     * The timeseries panels drawn from their queries over the run (the streams' data still in Prometheus), into
     * target/dashboard.svg: the picture is the by-product, the check is that every panel had a line to draw.
     */
    private static void drawDashboard(KubernetesClient client, TestNamespace namespace, HostPrometheus prometheus,
            Window run) throws IOException, InterruptedException {
        Path picture = Path.of("target", "dashboard.svg").toAbsolutePath();
        GrafanaDashboard dashboard = dashboard(client, namespace);
        List<DashboardPicture.DrawnPanel> drawn = DashboardPicture.write(dashboard, namespace.name(),
                (promql, window) -> prometheus.queryRange(promql, window.start(), window.end(), window.step()),
                run, picture);
        System.out.println("[MonitoringIT] the dashboard drawn from its queries over the run: " + picture);
        assertThat(drawn).as("timeseries panels drawn")
                .hasSize((int) dashboard.panels().stream().filter(GrafanaDashboard.Panel::isTimeseries).count())
                .allSatisfy(panel -> assertThat(panel.seriesWithPoints()).as(panel.title()).isPositive());
    }

    /** The dashboard of the ConfigMap the chart installed. */
    private static GrafanaDashboard dashboard(KubernetesClient client, TestNamespace namespace) throws IOException {
        ConfigMap dashboard = client.configMaps().inNamespace(namespace.name())
                .withName("monitoring-refinevad-operator-dashboard").get();
        return GrafanaDashboard.parse(dashboard.getData().get("refinevad.json"));
    }

    private static GenericKubernetesResource monitoringObject(KubernetesClient client, TestNamespace namespace,
            String kind, String name) {
        return client.genericKubernetesResources(MONITORING, kind).inNamespace(namespace.name()).withName(name).get();
    }

    private static float[] repeated(float[] values, int times) {
        float[] repeated = new float[values.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(values, 0, repeated, i * values.length, values.length);
        }
        return repeated;
    }
}
