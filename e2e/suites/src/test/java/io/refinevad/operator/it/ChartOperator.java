package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.testsupport.Pods;
import java.time.Duration;
import java.util.List;

/**
 * The operator as users run it: installed by the Helm chart, a pod of its Deployment under the chart's
 * ServiceAccount. Tests stop it (scale to 0), start it again, kill its pod outright, and uninstall it.
 */
final class ChartOperator implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private final LocalCluster cluster;
    private final String namespace;
    private final String release;

    private ChartOperator(LocalCluster cluster, String namespace, String release) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.release = release;
    }

    /**
     * Applies the checked-in CRD (Helm skips a CRD that exists, so a stale one would stay), then helm install with a
     * 1 s poll interval to keep tests short; returns once the operator pod is Ready.
     */
    static ChartOperator install(LocalCluster cluster, String namespace, String release) throws Exception {
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
        ClusterTools.run(cluster, "helm", "install", release, cluster.repository().resolve("helm/refinevad-operator")
                .toString(), "--namespace", namespace, "--set", "operator.pollInterval=1s");
        ChartOperator operator = new ChartOperator(cluster, namespace, release);
        operator.awaitReady();
        return operator;
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
    public void close() throws Exception {
        ClusterTools.run(cluster, "helm", "uninstall", release, "--namespace", namespace, "--wait");
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
