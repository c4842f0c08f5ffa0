package io.refinevad.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The scoring pods' own counts of their open streams, from each pod's admin port (Admin/GetLoadReport). */
final class PodStreams implements AutoCloseable {
    /** What {@link #counts()} says of a pod that does not answer (not started yet, or not serving). */
    static final long UNREACHABLE = -1;
    private final List<ManagedChannel> channels;

    /** @param adminTargets each pod's admin HOST:PORT */
    PodStreams(List<String> adminTargets) {
        this.channels = adminTargets.stream()
                .map(target -> ManagedChannelBuilder.forTarget(target).usePlaintext().build()).toList();
    }

    int pods() {
        return channels.size();
    }

    /** Each pod's active streams now, in the order given, or {@link #UNREACHABLE}. */
    long[] counts() {
        return channels.stream().mapToLong(PodStreams::count).toArray();
    }

    private static long count(ManagedChannel channel) {
        // A pod that was down has its channel backing off (up to minutes): try it now, so that it is seen as soon
        // as it answers.
        channel.resetConnectBackoff();
        try {
            return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .getLoadReport(GetLoadReportRequest.getDefaultInstance()).getActiveStreams();
        } catch (StatusRuntimeException e) {
            return UNREACHABLE;
        }
    }

    static String format(long[] counts) {
        return Arrays.stream(counts).mapToObj(count -> count == UNREACHABLE ? "-" : String.valueOf(count))
                .collect(Collectors.joining("/"));
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
