package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.api.v1.UndrainResponse;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.load.PodUndrainer;
import io.refinevad.operator.reconciler.DetectorEvents;
import io.refinevad.operator.reconciler.OperatorMetrics;
import io.refinevad.operator.reconciler.UnaskedDrainReversal;
import io.refinevad.testsupport.DetectorFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the operator does with a pod that drains although nobody is deleting it, against a bare API server and a
 * pod whose admin plane is a real gRPC server on the loopback interface: Undrain answered, an Undrained Event and
 * the pod kept; Undrain failing, the pod evicted with a DrainedPodEvicted Event; a pod shutting down, left alone.
 */
class UnaskedDrainReversalApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    @RegisterExtension
    static final ApiServer API = ApiServer.withCrd();

    /** How the fake pod answers Undrain: OK when null. */
    private final AtomicReference<Status> undrainAnswer = new AtomicReference<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private KubernetesClient client;
    private String namespace;
    private Server admin;
    private UnaskedDrainReversal reversal;
    private AnomalyDetector detector;

    @BeforeEach
    void startPodAdminPlane() throws IOException {
        client = API.client();
        namespace = API.createNamespace("undrain-" + NAMESPACES.incrementAndGet());
        admin = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AdminGrpc.AdminImplBase() {
                    @Override
                    public void undrain(UndrainRequest request, StreamObserver<UndrainResponse> responses) {
                        Status answer = undrainAnswer.get();
                        if (answer != null) {
                            responses.onError(answer.asRuntimeException());
                            return;
                        }
                        responses.onNext(UndrainResponse.newBuilder().setWasDraining(true).build());
                        responses.onCompleted();
                    }
                }).build().start();
        reversal = new UnaskedDrainReversal(new PodUndrainer(admin.getPort(), Duration.ofSeconds(5)), client,
                new DetectorEvents(client), new OperatorMetrics(registry));
        detector = client.resource(DetectorFixture.minimal(AnomalyDetector.class, namespace, "cameras")).create();
    }

    @AfterEach
    void stopPodAdminPlane() {
        admin.shutdownNow();
        client.resources(AnomalyDetector.class).inNamespace(namespace).delete();
    }

    @Test
    void aPodThatAnswersUndrainIsUndrainedAndKept() {
        Pod pod = runningPod("drained");

        reversal.reverse(detector, drainingObservation(pod));

        assertThat(events("Undrained")).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains("pod drained was draining"));
        assertThat(client.pods().inNamespace(namespace).withName("drained").get()).isNotNull();
        assertThat(counted("undrained")).isEqualTo(1);
    }

    @Test
    void aPodWhoseUndrainFailsIsEvictedSoThatItsDeploymentReplacesIt() {
        undrainAnswer.set(Status.UNAVAILABLE.withDescription("connection refused"));
        Pod pod = runningPod("stuck");

        reversal.reverse(detector, drainingObservation(pod));

        // No node ran it, so the API server removes the evicted pod at once.
        await().atMost(TIMEOUT).until(() -> client.pods().inNamespace(namespace).withName("stuck").get() == null);
        assertThat(events("DrainedPodEvicted")).singleElement()
                .satisfies(event -> assertThat(event.getMessage()).contains("pod stuck", "connection refused"));
        assertThat(counted("evicted")).isEqualTo(1);
    }

    @Test
    void aPodThatIsShuttingDownIsLeftAlone() {
        undrainAnswer.set(Status.FAILED_PRECONDITION.withDescription("this server is shutting down"));
        Pod pod = runningPod("leaving");

        reversal.reverse(detector, drainingObservation(pod));

        assertThat(client.pods().inNamespace(namespace).withName("leaving").get()).isNotNull();
        assertThat(events("Undrained")).isEmpty();
        assertThat(events("DrainedPodEvicted")).isEmpty();
    }

    /** A pod the API server holds as Running at 127.0.0.1 (no node runs it), not being deleted. */
    private Pod runningPod(String name) {
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .endMetadata().withNewSpec().addNewContainer().withName("server").withImage("scorer").endContainer()
                .endSpec().build()).create();
        pod.setStatus(new PodBuilder().withNewStatus().withPhase("Running").withPodIP("127.0.0.1").endStatus().build()
                .getStatus());
        return client.resource(pod).updateStatus();
    }

    private static DetectorObservation drainingObservation(Pod pod) {
        return new DetectorObservation(Optional.empty(), List.of(new ObservedPod(pod, false,
                Optional.of(LoadReport.newBuilder().setDraining(true).setStreamCapacity(64).build()))), Optional.empty());
    }

    private List<Event> events(String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(event -> reason.equals(event.getReason())).toList();
    }

    private double counted(String outcome) {
        return registry.counter("refinevad_operator_unasked_drains", "outcome", outcome).count();
    }
}
