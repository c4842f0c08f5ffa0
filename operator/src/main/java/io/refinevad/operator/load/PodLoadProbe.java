package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ScoringGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Asks one scoring pod for its load report (active streams, capacity, draining) over gRPC, with a short deadline. */
public class PodLoadProbe {

    private final int port;
    private final Duration deadline;

    public PodLoadProbe(int port, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
    }

    /** The pod's report, or empty when it has no address or does not answer in time. */
    public Optional<LoadReport> report(Pod pod) {
        String address = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (address == null || address.isEmpty()) {
            return Optional.empty();
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress(address, port).usePlaintext().build();
        try {
            return Optional.of(ScoringGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .getLoadReport(GetLoadReportRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            return Optional.empty();
        } finally {
            channel.shutdownNow();
        }
    }
}
