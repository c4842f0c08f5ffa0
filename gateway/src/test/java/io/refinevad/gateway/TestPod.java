package io.refinevad.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.gateway.pods.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** A scoring pod of ThreeScoringPods as the tests reach it: its channels and its process. */
record TestPod(Pod pod, ProcessHandle process, ManagedChannel channel, ManagedChannel adminChannel) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The pods the gateway under test was given, from its configuration. */
    static List<TestPod> all() {
        Config config = ConfigProvider.getConfig();
        List<String> entries = config.getValues("refinevad.gateway.pods.static", String.class);
        List<Long> pids = config.getValues(ThreeScoringPods.PIDS, Long.class);
        return IntStream.range(0, entries.size()).mapToObj(index -> {
            Pod pod = Pod.parse(entries.get(index), 0);
            return new TestPod(pod, ProcessHandle.of(pids.get(index)).orElseThrow(),
                    ManagedChannelBuilder.forAddress(pod.host(), pod.port()).usePlaintext().build(),
                    ManagedChannelBuilder.forAddress(pod.host(), pod.adminPort()).usePlaintext().build());
        }).toList();
    }

    /** The one live pod that holds a stream, by its own load report. */
    static TestPod withTheStream(List<TestPod> pods) {
        List<TestPod> busy = live(pods).stream().filter(pod -> pod.loadReport().getActiveStreams() > 0).toList();
        assertEquals(1, busy.size(), "pods with a stream");
        return busy.get(0);
    }

    static List<TestPod> live(List<TestPod> pods) {
        return pods.stream().filter(TestPod::alive).toList();
    }

    /** The gateway under test's Prometheus metrics (its HTTP test port). */
    static String gatewayMetrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:8091/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    LoadReport loadReport() {
        return AdminGrpc.newBlockingStub(adminChannel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getLoadReport(GetLoadReportRequest.getDefaultInstance());
    }

    boolean alive() {
        return process.isAlive();
    }

    void close() {
        channel.shutdownNow();
        adminChannel.shutdownNow();
    }

    @Override
    public String toString() {
        return pod + " (pid " + process.pid() + ")";
    }
}
