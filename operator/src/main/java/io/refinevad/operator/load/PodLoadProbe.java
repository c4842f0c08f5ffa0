package io.refinevad.operator.load;

import com.google.common.util.concurrent.ListenableFuture;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.ManagedChannel;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks scoring pods for their load reports (active streams, capacity, draining) on their admin plane, with a short
 * deadline. All pods of a detector are asked at once on gRPC's own threads, so a poll takes one deadline at most however many
 * pods there are, and no reconciler thread pool is held by a pod that does not answer.
 */
public class PodLoadProbe {

    private final int port;
    private final Duration deadline;

    public PodLoadProbe(int port, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
    }

    /** The reports by pod name; a pod with no address or that does not answer in time has none. */
    public Map<String, LoadReport> reports(List<Pod> pods) {
        Map<String, PendingReport> pending = new LinkedHashMap<>();
        pods.forEach(pod -> pending.put(pod.getMetadata().getName(), ask(pod)));
        Map<String, LoadReport> reports = new HashMap<>();
        pending.forEach((pod, report) -> report.await().ifPresent(answer -> reports.put(pod, answer)));
        return reports;
    }

    private PendingReport ask(Pod pod) {
        return AdminChannels.open(pod, port).map(channel -> new PendingReport(channel, AdminGrpc.newFutureStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getLoadReport(GetLoadReportRequest.getDefaultInstance()), deadline)).orElse(PendingReport.NONE);
    }

    private record PendingReport(ManagedChannel channel, ListenableFuture<LoadReport> call, Duration deadline) {
        static final PendingReport NONE = new PendingReport(null, null, Duration.ZERO);

        Optional<LoadReport> await() {
            if (call == null) {
                return Optional.empty();
            }
            try {
                // The call's own deadline ends it; the extra second only guards against a transport that never does.
                return Optional.of(call.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
