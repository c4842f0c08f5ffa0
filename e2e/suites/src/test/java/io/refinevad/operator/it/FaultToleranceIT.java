package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.FEATURE_DIM;
import static io.refinevad.operator.it.OperatorTestSupport.assertObservedLatestGeneration;
import static io.refinevad.operator.it.OperatorTestSupport.condition;
import static io.refinevad.operator.it.OperatorTestSupport.randomFeatures;
import static io.refinevad.operator.it.OperatorTestSupport.readyPods;
import static io.refinevad.operator.it.OperatorTestSupport.serverProperties;
import static io.refinevad.operator.it.OperatorTestSupport.serviceTarget;
import static io.refinevad.operator.it.OperatorTestSupport.setMaxBatchSize;
import static io.refinevad.operator.it.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
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
 * Faults under load, with the operator installed by the Helm chart: its pod killed in the middle of a scale-up
 * converges once the Deployment replaces it; a
 * scoring pod deleted while it serves streams drains them, answering every accepted segment and handing the
 * streams back, while the Deployment replaces it; and the operator keeps reconciling after the API server restarts.
 */
@LocalClusterTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final String NAME = "faults";
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    @RegisterExtension
    static final ChartOperator operator = new ChartOperator("faults");

    @Test
    @Order(1)
    void anOperatorKilledDuringAScaleUpConvergesWhenItsPodIsReplaced(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        AnomalyDetector detector = OperatorTestSupport.detector(namespace.name(), NAME);
        detector.getSpec().getScaling().setMaxReplicas(3);
        detector.getSpec().getScaling().setTargetStreamsPerReplica(2);
        detector.getSpec().getScaling().setScaleDownStabilizationSeconds(600);
        detector.getSpec().getScaling().setDrainTimeoutSeconds(10);
        client.resource(detector).create();
        await().atMost(TIMEOUT).untilAsserted(() ->
                assertThat(status(client, namespace.name(), NAME).getReadyReplicas()).isEqualTo(1));

        String target = serviceTarget(client, namespace.name(), NAME);
        float[] features = randomFeatures(400, 11);
        List<CompletableFuture<StreamResult>> streams = new ArrayList<>();
        try (ScoringClient scoring = new ScoringClient(target)) {
            for (int i = 0; i < 5; i++) {
                streams.add(scoring.stream("camera-" + i, features, 400, FEATURE_DIM, 10));
            }
            // The operator sees the surge and starts scaling; kill it before the new pods are Ready.
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                    status(client, namespace.name(), NAME).getDesiredReplicas()).isEqualTo(3));
            operator.kill();

            await().atMost(TIMEOUT).untilAsserted(() -> {
                AnomalyDetectorStatus status = status(client, namespace.name(), NAME);
                assertThat(status.getReadyReplicas()).isEqualTo(3);
                assertThat(status.getActiveStreams()).isEqualTo(5);
            });
            for (CompletableFuture<StreamResult> stream : streams) {
                StreamResult result = stream.get(90, TimeUnit.SECONDS);
                assertThat(result.status().isOk()).as("%s: %s", result.streamId(), result.status()).isTrue();
            }
        }
    }

    @Test
    @Order(2)
    void aScoringPodDeletedUnderLoadHandsItsStreamsToAnotherPodAndIsReplaced(KubernetesClient client,
            TestNamespace namespace) throws Exception {
        List<Pod> ready = await().atMost(TIMEOUT).until(() -> readyPods(client, namespace.name(), NAME),
                pods -> pods.size() == 3);
        Pod victim = ready.get(0);
        // The victim first: the client moves each stream to the next pod when the victim hands it back.
        List<String> targets = ready.stream().map(OperatorTestSupport::grpcTarget).toList();
        float[] features = randomFeatures(200, 11);
        try (ScoringClient scoring = new ScoringClient(targets)) {
            List<CompletableFuture<StreamResult>> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(scoring.stream("busy-" + i, features, 200, FEATURE_DIM, 10));
            }
            Thread.sleep(3000);
            client.pods().inNamespace(namespace.name()).withName(victim.getMetadata().getName()).delete();

            for (CompletableFuture<StreamResult> stream : streams) {
                // 20 s of segments, the victim deleted after 3 s: every segment answered, once, by one pod or the
                // other (the client checks the count; DATA_LOSS would mean a lost segment).
                StreamResult result = stream.get(90, TimeUnit.SECONDS);
                assertThat(result.status().isOk()).as("%s: %s", result.streamId(), result.status()).isTrue();
                assertThat(result.latencyMicros()).as("%s: segments never answered", result.streamId())
                        .doesNotContain(0L);
            }
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(readyPods(client, namespace.name(), NAME)).hasSize(3)
                    .noneMatch(pod -> pod.getMetadata().getName().equals(victim.getMetadata().getName()));
            assertThat(condition(status(client, namespace.name(), NAME), ConditionType.READY).getStatus())
                    .isEqualTo("True");
        });
    }

    @Test
    @Order(3)
    void theOperatorRidesOutAnApiServerRestart(LocalCluster cluster, KubernetesClient client, TestNamespace namespace)
            throws Exception {
        cluster.restart("kube-apiserver");

        setMaxBatchSize(client, namespace.name(), NAME, 8);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(serverProperties(client, namespace.name(), NAME))
                    .contains("refinevad.batching.max-batch-size=8");
            assertObservedLatestGeneration(client, namespace.name(), NAME);
        });
    }
}
