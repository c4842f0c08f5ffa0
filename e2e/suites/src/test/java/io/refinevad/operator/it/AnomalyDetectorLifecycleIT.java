package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.FEATURE_DIM;
import static io.refinevad.operator.it.OperatorTestSupport.activeStreams;
import static io.refinevad.operator.it.OperatorTestSupport.assertObservedLatestGeneration;
import static io.refinevad.operator.it.OperatorTestSupport.condition;
import static io.refinevad.operator.it.OperatorTestSupport.live;
import static io.refinevad.operator.it.OperatorTestSupport.randomFeatures;
import static io.refinevad.operator.it.OperatorTestSupport.readyPods;
import static io.refinevad.operator.it.OperatorTestSupport.serverProperties;
import static io.refinevad.operator.it.OperatorTestSupport.serviceTarget;
import static io.refinevad.operator.it.OperatorTestSupport.setMaxBatchSize;
import static io.refinevad.operator.it.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.StatusRuntimeException;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.dependent.ScoringPodTemplate;
import io.refinevad.operator.load.PodDeletionCosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One detector through its life on the local cluster, with the operator installed by the Helm chart and real
 * scoring pods (the server's image on the real node): created with its dependents, Ready; streams through its
 * Service raise the replicas, and when they end the detector scales down after
 * its window, removing the idle pods and keeping the busy one, with every accepted segment answered; a spec change
 * made while the operator is down rolls the pods once it is back; deletion removes everything it owned.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnomalyDetectorLifecycleIT {

    private static final String NAME = "cameras";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final ChartOperator operator = new ChartOperator("lifecycle");

    @Test
    @Order(1)
    void aDetectorGetsItsDependentsAndReadyScoringPods(KubernetesClient client, TestNamespace namespace) {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), NAME);
        detector.getSpec().getScaling().setMinReplicas(1);
        detector.getSpec().getScaling().setMaxReplicas(3);
        detector.getSpec().getScaling().setTargetStreamsPerReplica(2);
        detector.getSpec().getScaling().setScaleDownStabilizationSeconds(5);
        detector.getSpec().getScaling().setDrainTimeoutSeconds(5);
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetectorStatus status = status(client, namespace.name(), NAME);
            assertThat(condition(status, ConditionType.READY).getStatus()).isEqualTo("True");
            assertThat(condition(status, ConditionType.MODEL_READY).getStatus()).isEqualTo("True");
            assertThat(condition(status, ConditionType.DEGRADED).getStatus()).isEqualTo("False");
            assertThat(status.getReadyReplicas()).isEqualTo(1);
            assertThat(status.getStreamCapacity()).isEqualTo(64);
        });
        AnomalyDetector live = live(client, namespace.name(), NAME);
        assertThat(live.getStatus().getEndpoint()).isEqualTo(NAME + "." + namespace.name() + ".svc:9000");
        assertThat(live.getStatus().getObservedGeneration()).isEqualTo(live.getMetadata().getGeneration());
        List<HasMetadata> owned = List.of(
                client.configMaps().inNamespace(namespace.name()).withName(NAME + "-config").get(),
                client.apps().deployments().inNamespace(namespace.name()).withName(NAME).get(),
                client.services().inNamespace(namespace.name()).withName(NAME).get(),
                client.services().inNamespace(namespace.name()).withName(NAME + "-pods").get(),
                client.policy().v1().podDisruptionBudget().inNamespace(namespace.name()).withName(NAME).get());
        assertThat(owned).allSatisfy(resource -> assertThat(resource.getMetadata().getOwnerReferences())
                .anySatisfy(owner -> assertThat(owner.getUid()).isEqualTo(live.getMetadata().getUid())));
        Deployment deployment = (Deployment) owned.get(1);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getContainers().get(0).getReadinessProbe().getGrpc().getPort()).isEqualTo(9000);
        assertThat(pod.getInitContainers()).as("a built-in model needs no fetch").isEmpty();
        assertThat(((ConfigMap) owned.get(0)).getData().get("application.properties"))
                .contains("refinevad.streams.capacity=64", "refinevad.drain.timeout=5s");
    }

    @Test
    @Order(2)
    void streamsScaleThePodsUpAndTheirEndScalesDownKeepingTheBusyPod(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        // Through the Service, as a user streams: the detector's gateway places the streams on its one pod, and
        // moves some onto the pods the surge adds.
        String target = serviceTarget(client, namespace.name(), NAME);
        float[] features = randomFeatures(600, 7);
        List<CompletableFuture<StreamResult>> results = new ArrayList<>();
        try (ScoringClient scoring = new ScoringClient(target)) {
            // One long camera (60 s at 10 segments/s) and four short ones (24 s): 5 streams at 2 per replica. The
            // short ones outlast the surge's pods starting (the engine warm-up included, on a tenth of a core each).
            results.add(scoring.stream("long", features, 600, FEATURE_DIM, 10));
            for (int i = 0; i < 4; i++) {
                results.add(scoring.stream("short-" + i, features, 240, FEATURE_DIM, 10));
            }
            await().atMost(TIMEOUT).untilAsserted(() -> {
                AnomalyDetectorStatus status = status(client, namespace.name(), NAME);
                assertThat(status.getDesiredReplicas()).isEqualTo(3);
                assertThat(status.getReadyReplicas()).isEqualTo(3);
                assertThat(status.getLastScaleReason()).contains("5 active streams");
            });
            for (CompletableFuture<StreamResult> shortStream : results.subList(1, 5)) {
                assertAllAnswered(shortStream.get(60, TimeUnit.SECONDS));
            }
            // One stream left, on one pod (a single stream is even already: the gateway does not move it) ...
            String busy = await().atMost(TIMEOUT).ignoreException(StatusRuntimeException.class)
                    .until(() -> readyPods(client, namespace.name(), NAME).stream()
                            .filter(pod -> activeStreams(pod) > 0).map(pod -> pod.getMetadata().getName()).toList(),
                            pods -> pods.size() == 1).get(0);
            // ... the window passes, the Deployment shrinks, and the idle pods are the ones removed.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(status(client, namespace.name(), NAME).getDesiredReplicas()).isEqualTo(1);
                assertThat(readyPods(client, namespace.name(), NAME))
                        .extracting(p -> p.getMetadata().getName()).containsExactly(busy);
            });
            Pod kept = client.pods().inNamespace(namespace.name()).withName(busy).get();
            assertThat(kept).as("the busy pod").isNotNull();
            assertThat(kept.getMetadata().getAnnotations()).containsEntry(PodDeletionCosts.ANNOTATION, "1");
            assertAllAnswered(results.get(0).get(90, TimeUnit.SECONDS));
        }
        assertThat(client.v1().events().inNamespace(namespace.name()).list().getItems())
                .extracting(e -> e.getReason()).contains("ScaledUp", "ScaledDown");
    }

    @Test
    @Order(3)
    void aSpecChangeMadeWhileTheOperatorIsDownRollsThePodsWhenItReturns(KubernetesClient client,
            TestNamespace namespace) {
        String before = templateHash(client, namespace);
        operator.stop();
        setMaxBatchSize(client, namespace.name(), NAME, 16);
        operator.start();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(templateHash(client, namespace)).isNotEqualTo(before);
            assertThat(serverProperties(client, namespace.name(), NAME))
                    .contains("refinevad.batching.max-batch-size=16");
            List<Pod> pods = readyPods(client, namespace.name(), NAME);
            assertThat(pods).hasSize(1).allSatisfy(pod -> assertThat(pod.getMetadata().getAnnotations()
                    .get(ScoringPodTemplate.CONFIG_HASH_ANNOTATION)).isEqualTo(templateHash(client, namespace)));
            assertObservedLatestGeneration(client, namespace.name(), NAME);
        });
    }

    @Test
    @Order(4)
    void deletingTheDetectorRemovesEverythingItOwned(KubernetesClient client, TestNamespace namespace) {
        client.resources(AnomalyDetector.class).inNamespace(namespace.name()).withName(NAME).delete();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(client.apps().deployments().inNamespace(namespace.name())
                    .withLabel(DetectorResources.DETECTOR_LABEL).list().getItems()).isEmpty();
            assertThat(client.configMaps().inNamespace(namespace.name()).withLabel(DetectorResources.DETECTOR_LABEL)
                    .list().getItems()).isEmpty();
            assertThat(client.services().inNamespace(namespace.name()).withLabel(DetectorResources.DETECTOR_LABEL)
                    .list().getItems()).isEmpty();
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace(namespace.name())
                    .withLabel(DetectorResources.DETECTOR_LABEL).list().getItems())
                    .isEmpty();
            assertThat(client.pods().inNamespace(namespace.name()).withLabel(DetectorResources.DETECTOR_LABEL).list()
                    .getItems()).isEmpty();
        });
    }

    private static void assertAllAnswered(StreamResult result) {
        assertThat(result.status().isOk()).as("stream %s: %s", result.streamId(), result.status()).isTrue();
    }

    private static String templateHash(KubernetesClient client, TestNamespace namespace) {
        Deployment deployment = client.apps().deployments().inNamespace(namespace.name()).withName(NAME).get();
        assertThat(deployment).as("the scoring Deployment").isNotNull();
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations()
                .get(ScoringPodTemplate.CONFIG_HASH_ANNOTATION);
    }
}
