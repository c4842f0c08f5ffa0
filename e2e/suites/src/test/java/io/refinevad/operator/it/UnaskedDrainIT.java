package io.refinevad.operator.it;

import static io.refinevad.operator.it.OperatorTestSupport.firstReadyPod;
import static io.refinevad.operator.it.OperatorTestSupport.readyPods;
import static io.refinevad.operator.it.OperatorTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A drain is reversible: someone who reaches a scoring pod's admin port drains it although nobody is deleting it,
 * and the operator (installed by the chart) undrains it: the same pod is Ready and serving again, with an Undrained
 * Event on the detector.
 */
@LocalClusterTest
class UnaskedDrainIT {

    private static final String NAME = "undrained";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    @RegisterExtension
    static final ChartOperator operator = new ChartOperator("undrain");

    @Test
    void aPodDrainedByNobodyTheOperatorAskedIsUndrained(KubernetesClient client, TestNamespace namespace)
            throws Exception {
        client.resource(OperatorTestSupport.detector(namespace.name(), NAME)).create();
        try {
            await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(status(client, namespace.name(), NAME).getReadyReplicas()).isEqualTo(1));
            Pod pod = firstReadyPod(client, namespace.name(), NAME);
            ManagedChannel admin = ManagedChannelBuilder.forAddress(pod.getStatus().getPodIP(),
                    DetectorResources.ADMIN_PORT).usePlaintext().build();
            try {
                AdminGrpc.AdminBlockingStub stub = AdminGrpc.newBlockingStub(admin);
                stub.withDeadlineAfter(10, TimeUnit.SECONDS).drain(DrainRequest.getDefaultInstance());

                await().atMost(TIMEOUT).untilAsserted(() -> {
                    assertThat(undrainedEvents(client, namespace.name()))
                            .anySatisfy(event -> assertThat(event.getMessage()).contains(pod.getMetadata().getName()));
                    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining()).isFalse();
                    assertThat(readyPods(client, namespace.name(), NAME)).as("the same pod, Ready again")
                            .extracting(p -> p.getMetadata().getUid()).containsExactly(pod.getMetadata().getUid());
                });
            } finally {
                admin.shutdownNow();
            }
        } finally {
            OperatorTestSupport.deleteDetectors(client, namespace.name());
        }
    }

    /** Undrained Events on the detector; none yet is an empty list. */
    private static List<Event> undrainedEvents(KubernetesClient client, String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> "Undrained".equals(event.getReason()))
                .filter(event -> AnomalyDetector.class.getSimpleName().equals(event.getInvolvedObject().getKind()))
                .filter(event -> NAME.equals(event.getInvolvedObject().getName()))
                .toList();
    }
}
