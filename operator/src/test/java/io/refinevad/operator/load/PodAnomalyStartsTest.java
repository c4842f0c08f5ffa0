package io.refinevad.operator.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.GetAnomalyStartsRequest;
import io.refinevad.operator.crd.AnomalyDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator takes each anomaly start from a pod once, over a real gRPC channel to an admin service that answers
 * like a scoring server: the starts after the asked number (all it keeps for a cursor of another epoch), how many
 * there were, and its epoch.
 */
class PodAnomalyStartsTest {
    private static final Instant OPERATOR_STARTED = Instant.parse("2026-12-01T10:00:00Z");

    private final List<String> startedOnPod = new CopyOnWriteArrayList<>();
    private final List<Long> asked = new CopyOnWriteArrayList<>();
    /** The serving process's epoch: a test changes it to restart the pod's container. */
    private volatile String epoch = "first-process";
    private Server server;
    private PodAnomalyStarts starts;
    private final AnomalyDetector detector = new AnomalyDetector();

    @BeforeEach
    void serve() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AdminGrpc.AdminImplBase() {
                    @Override
                    public void getAnomalyStarts(GetAnomalyStartsRequest request,
                            StreamObserver<AnomalyStarts> responses) {
                        asked.add(request.getAfter());
                        boolean ours = request.getEpoch().isEmpty() || request.getEpoch().equals(epoch);
                        AnomalyStarts.Builder answer = AnomalyStarts.newBuilder().setNext(startedOnPod.size())
                                .setEpoch(epoch);
                        startedOnPod.stream().skip(ours ? request.getAfter() : 0)
                                .forEach(camera -> answer.addStarted(AnomalyEvent.newBuilder().setStreamId(camera)));
                        responses.onNext(answer.build());
                        responses.onCompleted();
                    }
                }).build().start();
        starts = new PodAnomalyStarts(server.getPort(), Duration.ofSeconds(5), OPERATOR_STARTED);
        detector.getMetadata().setUid("detector-uid");
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void aPodCreatedSinceTheOperatorStartedGivesEveryStartOnceInOrder() {
        Pod pod = pod("new-pod", "127.0.0.1", OPERATOR_STARTED.plusSeconds(60));
        startedOnPod.addAll(List.of("a", "b"));
        assertThat(cameras(starts.take(detector, List.of(pod)))).containsExactly("a", "b");
        startedOnPod.add("c");
        assertThat(cameras(starts.take(detector, List.of(pod)))).containsExactly("c");
        assertThat(cameras(starts.take(detector, List.of(pod)))).isEmpty();
        assertThat(asked).containsExactly(0L, 2L, 3L);
    }

    @Test
    void afterAnOperatorRestartAnOlderPodsBacklogIsNotRepeated() {
        Pod pod = pod("old-pod", "127.0.0.1", OPERATOR_STARTED.minusSeconds(3600));
        startedOnPod.addAll(List.of("recorded-before", "by-the-last-operator"));
        assertThat(cameras(starts.take(detector, List.of(pod)))).isEmpty();
        startedOnPod.add("new");
        assertThat(cameras(starts.take(detector, List.of(pod)))).containsExactly("new");
    }

    @Test
    void aPodThatDoesNotAnswerIsAskedAgainFromWhereItWas() {
        Pod pod = pod("pod", "127.0.0.1", OPERATOR_STARTED.plusSeconds(60));
        startedOnPod.add("a");
        starts.take(detector, List.of(pod));
        startedOnPod.add("b");
        Pod unreachable = pod("pod", null, OPERATOR_STARTED.plusSeconds(60));  // lost its address for a pass
        assertThat(cameras(starts.take(detector, List.of(unreachable)))).isEmpty();
        assertThat(cameras(starts.take(detector, List.of(pod)))).containsExactly("b");
    }

    @Test
    void aRestartedContainerGivesItsNewStartsEvenWhenItHasAsManyAsTheOldOneHad() {
        Pod pod = pod("restarting", "127.0.0.1", OPERATOR_STARTED.plusSeconds(60));
        startedOnPod.addAll(List.of("a", "b"));
        starts.take(detector, List.of(pod));
        epoch = "second-process";  // same pod, new container: it counts from 0 again
        startedOnPod.clear();
        startedOnPod.addAll(List.of("c", "d", "e"));
        assertThat(cameras(starts.take(detector, List.of(pod)))).containsExactly("c", "d", "e");
    }

    private static List<String> cameras(PodAnomalyStarts.Taken taken) {
        return taken.starts().stream().map(start -> start.event().getStreamId()).toList();
    }

    private static Pod pod(String name, String address, Instant created) {
        return new PodBuilder().withNewMetadata().withName(name).withUid(name + "-uid")
                .withCreationTimestamp(created.toString()).endMetadata()
                .withNewStatus().withPodIP(address).withPhase("Running").endStatus().build();
    }
}
