package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.load.PodDeletionCosts;
import io.refinevad.testsupport.DetectorFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pod that anyone allowed to create pods in the namespace made with the detector's labels (issue 16): its admin
 * port answers a load report of 500 streams, which would scale the detector to maxReplicas and make it the last pod
 * removed. The operator neither asks it, nor writes its deletion cost, nor counts it; the same pod made the
 * detector's own (a ReplicaSet of its Deployment controls it) is asked, costed and counted, which shows the check is
 * what keeps it out.
 */
class LookAlikePodApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The look-alike's address: a loopback address of its own, whose admin port the test serves. */
    private static final String POD_ADDRESS = "127.0.0.77";
    private static final int FAKE_STREAMS = 500;

    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perTest("look-alike");

    private final KubernetesClient client = OPERATOR.client();
    private final AtomicInteger reportsAsked = new AtomicInteger();
    private Server admin;

    @BeforeEach
    void serveTheLookAlikesAdminPort() throws IOException {
        admin = NettyServerBuilder.forAddress(new InetSocketAddress(POD_ADDRESS, DetectorResources.ADMIN_PORT))
                .addService(new AdminGrpc.AdminImplBase() {
                    @Override
                    public void getLoadReport(GetLoadReportRequest request, StreamObserver<LoadReport> responses) {
                        reportsAsked.incrementAndGet();
                        responses.onNext(LoadReport.newBuilder().setActiveStreams(FAKE_STREAMS).setStreamCapacity(64)
                                .build());
                        responses.onCompleted();
                    }
                })
                .build().start();
    }

    @AfterEach
    void stopServing() {
        admin.shutdownNow();
    }

    @Test
    void aPodThatOnlyCarriesTheDetectorsLabelsIsNeitherAskedNorCostedNorCounted() {
        AnomalyDetector detector = client.resource(DetectorFixture.minimal(AnomalyDetector.class,
                OPERATOR.namespace(), "lobby")).create();
        Pod lookAlike = readyPod(detector, "lobby-lookalike");

        // Five polls of the operator (1 s each here) with the look-alike Running and Ready.
        await().during(Duration.ofSeconds(5)).atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(reportsAsked).as("load reports asked of the look-alike").hasValue(0);
            assertThat(annotations(lookAlike)).doesNotContainKey(PodDeletionCosts.ANNOTATION);
            AnomalyDetector live = live(detector);
            assertThat(live.getStatus()).isNotNull();
            assertThat(live.getStatus().getActiveStreams()).isZero();
            assertThat(live.getStatus().getDesiredReplicas()).isEqualTo(1);
        });

        client.pods().inNamespace(OPERATOR.namespace()).withName("lobby-lookalike").edit(pod -> new PodBuilder(pod)
                .editMetadata().withOwnerReferences(ScoringReplicaSet.controllerOfPodsOf(client, detector))
                .endMetadata().build());

        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(reportsAsked).as("load reports asked of the pod once it is the detector's").hasPositiveValue();
            assertThat(annotations(lookAlike)).containsEntry(PodDeletionCosts.ANNOTATION, String.valueOf(FAKE_STREAMS));
            AnomalyDetector live = live(detector);
            assertThat(live.getStatus().getActiveStreams()).isEqualTo(FAKE_STREAMS);
            assertThat(live.getStatus().getDesiredReplicas()).isEqualTo(detector.getSpec().getScaling()
                    .getMaxReplicas());
        });
    }

    /** A pod with the detector's labels and no owner, which the API server holds as Running and Ready. */
    private Pod readyPod(AnomalyDetector detector, String name) {
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(OPERATOR.namespace()).withLabels(DetectorResources.podSelector(detector))
                .endMetadata().withNewSpec().addNewContainer().withName("scorer").withImage("scorer").endContainer()
                .endSpec().build()).create();
        pod.setStatus(new PodBuilder().withNewStatus().withPhase("Running").withPodIP(POD_ADDRESS)
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()
                .getStatus());
        return client.resource(pod).updateStatus();
    }

    private Map<String, String> annotations(Pod pod) {
        Map<String, String> annotations = client.pods().inNamespace(OPERATOR.namespace())
                .withName(pod.getMetadata().getName()).get().getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    private AnomalyDetector live(AnomalyDetector detector) {
        return client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace())
                .withName(detector.getMetadata().getName()).get();
    }
}
