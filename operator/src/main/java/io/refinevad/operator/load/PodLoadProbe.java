package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        Map<String, PendingAdminCall<LoadReport>> pending = new LinkedHashMap<>();
        pods.forEach(pod -> pending.put(pod.getMetadata().getName(), ask(pod)));
        Map<String, LoadReport> reports = new HashMap<>();
        pending.forEach((pod, report) -> report.await().ifPresent(answer -> reports.put(pod, answer)));
        return reports;
    }

    private PendingAdminCall<LoadReport> ask(Pod pod) {
        return PendingAdminCall.start(pod, port, deadline, (channel, millis) -> AdminGrpc.newFutureStub(channel)
                .withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
                .getLoadReport(GetLoadReportRequest.getDefaultInstance()));
    }
}
