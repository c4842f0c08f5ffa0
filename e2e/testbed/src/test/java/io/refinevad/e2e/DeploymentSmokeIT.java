package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.testsupport.Pods;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local cluster behaves like Kubernetes where the operator will depend on it: a Deployment's pods run on the
 * real node, turn Ready through their probes, appear in EndpointSlices and answer through their Service's ClusterIP; scaling down removes the pod with the
 * lower pod-deletion-cost; deleting the Deployment garbage-collects its pods. One Deployment, in steps.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentSmokeIT {

    private static final String NAME = "web";
    private static final Map<String, String> LABELS = Map.of("app", NAME);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    @Order(1)
    void twoReplicasBecomeReadyPodsWithEndpoints(KubernetesClient client, TestNamespace namespace) throws Exception {
        client.services().inNamespace(namespace.name()).resource(new ServiceBuilder()
                .withNewMetadata().withName(NAME).endMetadata()
                .withNewSpec().withSelector(LABELS).addNewPort().withPort(8080).endPort().endSpec()
                .build()).create();
        client.apps().deployments().inNamespace(namespace.name()).resource(webDeployment(2)).create();

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyPods(client, namespace)).hasSize(2));
        Set<String> podIps = readyPods(client, namespace).stream().map(pod -> pod.getStatus().getPodIP())
                .collect(Collectors.toSet());
        assertThat(podIps).hasSize(2).allSatisfy(ip -> assertThat(ip).startsWith("10.244."));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyEndpointAddresses(client, namespace))
                .isEqualTo(podIps));
        HttpClient http = HttpClient.newHttpClient();
        for (String ip : podIps) {
            // Ready is the kubelet's word, from its own probe. A CI run's test bed failed once early on (the log did
            // not say where; this request had no retry): retried, as the ClusterIP request below is.
            await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("the pod at " + ip + " answers")
                    .isEqualTo(200));
        }
        // The Service's ClusterIP answers on this host too: kube-proxy's rules send it to one of the pods.
        String clusterIp = client.services().inNamespace(namespace.name()).withName(NAME).get().getSpec()
                .getClusterIP();
        // kube-proxy writes them on its own time after the endpoints change: until then the connection is refused.
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                URI.create("http://" + clusterIp + ":8080/")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("the Service at " + clusterIp + " answers").isEqualTo(200));
    }

    @Test
    @Order(2)
    void scalingDownDeletesThePodWithTheLowerDeletionCost(KubernetesClient client, TestNamespace namespace) {
        // Without costs the ReplicaSet controller removes the pod that became ready last; give the low cost to
        // the other one, so that only the annotation can explain the choice.
        List<Pod> pods = readyPods(client, namespace).stream()
                .sorted(Comparator.comparing((Pod pod) -> readySince(pod))
                        .thenComparing(pod -> pod.getMetadata().getCreationTimestamp())
                        .thenComparing(pod -> pod.getMetadata().getName()))
                .toList();
        assertThat(pods).hasSize(2);
        Pod remove = pods.get(0);
        Pod keep = pods.get(1);
        annotateDeletionCost(client, keep, "100");
        annotateDeletionCost(client, remove, "-100");

        client.apps().deployments().inNamespace(namespace.name()).withName(NAME).scale(1);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(podNames(client, namespace))
                .containsExactly(keep.getMetadata().getName()));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyEndpointAddresses(client, namespace))
                .containsExactly(keep.getStatus().getPodIP()));
    }

    @Test
    @Order(3)
    void deletingTheDeploymentGarbageCollectsItsPods(KubernetesClient client, TestNamespace namespace) {
        client.apps().deployments().inNamespace(namespace.name()).withName(NAME).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().replicaSets().inNamespace(namespace.name()).list().getItems()).isEmpty();
            assertThat(podNames(client, namespace)).isEmpty();
        });
    }

    /** A one-line HTTP server in each pod (BedImages.httpServer), with an HTTP readiness probe. */
    private static Deployment webDeployment(int replicas) {
        Container http = BedImages.httpServer(8080);
        http.setReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/").withNewPort("http").endHttpGet()
                .withPeriodSeconds(1).build());
        return new DeploymentBuilder()
                .withNewMetadata().withName(NAME).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(LABELS).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(LABELS).endMetadata()
                .withNewSpec().withSecurityContext(RestrictedProfile.pod())
                .withTerminationGracePeriodSeconds(5L)
                .withContainers(http)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static void annotateDeletionCost(KubernetesClient client, Pod pod, String cost) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getMetadata().getAnnotations().put("controller.kubernetes.io/pod-deletion-cost", cost);
                    return p;
                });
    }

    private static List<Pod> readyPods(KubernetesClient client, TestNamespace namespace) {
        return client.pods().inNamespace(namespace.name()).withLabels(LABELS).list().getItems().stream()
                .filter(Pods::isReady).toList();
    }

    private static String readySince(Pod pod) {
        return pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getLastTransitionTime()).findFirst().orElseThrow();
    }

    private static List<String> podNames(KubernetesClient client, TestNamespace namespace) {
        return client.pods().inNamespace(namespace.name()).withLabels(LABELS).list().getItems().stream()
                .map(pod -> pod.getMetadata().getName()).toList();
    }

    private static Set<String> readyEndpointAddresses(KubernetesClient client, TestNamespace namespace) {
        return client.discovery().v1().endpointSlices().inNamespace(namespace.name())
                .withLabel("kubernetes.io/service-name", NAME).list().getItems().stream()
                .flatMap(slice -> slice.getEndpoints() == null ? java.util.stream.Stream.<Endpoint>empty()
                        : slice.getEndpoints().stream())
                .filter(endpoint -> endpoint.getConditions() != null
                        && Boolean.TRUE.equals(endpoint.getConditions().getReady()))
                .flatMap(endpoint -> endpoint.getAddresses().stream())
                .collect(Collectors.toSet());
    }
}
