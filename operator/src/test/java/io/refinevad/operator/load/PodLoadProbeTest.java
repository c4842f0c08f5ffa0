package io.refinevad.operator.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The operator's load probe against real gRPC servers (the admin plane's service) on the loopback interface. */
class PodLoadProbeTest {

    @Test
    void podsThatDoNotAnswerOrHaveNoAddressAreLeftOut() throws Exception {
        Server answering = serve(() -> LoadReport.newBuilder().setActiveStreams(3).setStreamCapacity(8).build());
        // Accepts connections but never speaks: only the call's deadline ends it.
        try (ServerSocket silent = new ServerSocket(answering.getPort(), 50, InetAddress.getByName("127.0.0.2"))) {
            List<Pod> pods = List.of(pod("answers", "127.0.0.1"), pod("silent", "127.0.0.2"), pod("unscheduled", null));
            PodLoadProbe probe = new PodLoadProbe(answering.getPort(), Duration.ofMillis(500));
            Map<String, LoadReport> reports = probe.reports(pods);

            assertThat(reports).containsOnlyKeys("answers");
            assertThat(reports.get("answers").getActiveStreams()).isEqualTo(3);
        } finally {
            answering.shutdownNow();
        }
    }

    /** A server that answers no pod until two are asking at once: a probe that asked one after the other gets none. */
    @Test
    void everyPodIsAskedAtOnce() throws Exception {
        CountDownLatch bothAsking = new CountDownLatch(2);
        Server server = serve(() -> {
            bothAsking.countDown();
            try {
                bothAsking.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return LoadReport.newBuilder().setActiveStreams(1).build();
        });
        try {
            Map<String, LoadReport> reports = new PodLoadProbe(server.getPort(), Duration.ofSeconds(20))
                    .reports(List.of(pod("first", "127.0.0.1"), pod("second", "127.0.0.1")));

            assertThat(reports).containsOnlyKeys("first", "second");
        } finally {
            server.shutdownNow();
        }
    }

    private static Server serve(Supplier<LoadReport> report) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AdminGrpc.AdminImplBase() {
                    @Override
                    public void getLoadReport(GetLoadReportRequest request, StreamObserver<LoadReport> responses) {
                        responses.onNext(report.get());
                        responses.onCompleted();
                    }
                })
                .build().start();
    }

    private static Pod pod(String name, String address) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withPodIP(address).withPhase("Running").endStatus().build();
    }
}
