package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterExtension;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.Pods;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator as users run it: installed by the Helm chart, a pod of its Deployment under the chart's
 * ServiceAccount. A test class registers it as an extension (after {@code @LocalClusterTest}, which provides the
 * namespace): it is installed before the class's tests and uninstalled after them. Tests stop it (scale to 0),
 * start it again, and kill its pod outright.
 */
final class ChartOperator implements BeforeAllCallback, AfterAllCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private final String release;
    private final List<String> values;
    private LocalCluster cluster;
    private String namespace;

    ChartOperator(String release) {
        this(release, List.of());
    }

    /** With more chart values: helm's own arguments (--set ..., --values file). */
    ChartOperator(String release, List<String> values) {
        this.release = release;
        this.values = values;
    }

    /**
     * Applies the checked-in CRD (Helm skips a CRD that exists, so a stale one would stay), then helm install with a
     * 1 s poll interval to keep tests short and the images pinned to the ones built; returns once the operator pod is
     * Ready.
     */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TestNamespace testNamespace = LocalClusterExtension.namespaceOf(context);
        cluster = testNamespace.cluster();
        namespace = testNamespace.name();
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
        List<String> install = new ArrayList<>(List.of("helm", "install", release,
                cluster.repository().resolve("helm/refinevad-operator").toString(), "--namespace", namespace,
                "--set", "operator.pollInterval=1s", "--values", OperatorTestSupport.pinnedImages(cluster).toString()));
        install.addAll(values);
        ClusterTools.run(cluster, install.toArray(String[]::new));
        awaitReady();
    }

    /** Scales the operator to zero and waits until its pod is gone. */
    void stop() {
        deployment().scale(0);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods()).isEmpty());
    }

    void start() {
        deployment().scale(1);
        awaitReady();
    }

    /** Deletes the operator's pod with no grace period, as a node failure would; the Deployment brings a new one. */
    void kill() {
        String killed = await().atMost(TIMEOUT).until(this::pods, pods -> !pods.isEmpty()).get(0).getMetadata()
                .getName();
        client().pods().inNamespace(namespace).withName(killed).withGracePeriod(0).delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods())
                .noneMatch(pod -> pod.getMetadata().getName().equals(killed)));
        awaitReady();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            OperatorTestSupport.deleteDetectors(cluster.admin(), namespace);
            ClusterTools.run(cluster, "helm", "uninstall", release, "--namespace", namespace, "--wait");
        }
    }

    private void awaitReady() {
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(pods()).singleElement()
                .satisfies(pod -> assertThat(Pods.isReady(pod)).as("operator pod Ready").isTrue()));
    }

    private List<Pod> pods() {
        // Both labels: a detector named like the release carries the same app.kubernetes.io/instance.
        return client().pods().inNamespace(namespace).withLabel("app.kubernetes.io/instance", release)
                .withLabel("app.kubernetes.io/name", "refinevad-operator").list()
                .getItems().stream().filter(pod -> pod.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private io.fabric8.kubernetes.client.dsl.RollableScalableResource<io.fabric8.kubernetes.api.model.apps.Deployment>
            deployment() {
        return client().apps().deployments().inNamespace(namespace).withName(release + "-refinevad-operator");
    }

    private KubernetesClient client() {
        return cluster.admin();
    }
}
