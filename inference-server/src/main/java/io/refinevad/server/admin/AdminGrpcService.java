package io.refinevad.server.admin;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.DrainResponse;
import io.refinevad.api.v1.GetAnomalyStartsRequest;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.api.v1.UndrainResponse;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.events.RecentAnomalyStarts;
import io.refinevad.server.stream.Drainer;
import io.refinevad.server.stream.StreamRegistry;
import jakarta.inject.Singleton;

/**
 * refinevad.v1.Admin: what the operator asks and tells a scoring server. Not a Quarkus {@code @GrpcService}, so the
 * scoring port never serves it; {@link AdminServer} serves it on the admin port.
 */
@Singleton
public class AdminGrpcService implements AdminGrpc.AsyncService {
    private final StreamRegistry streams;
    private final DynamicBatcher batcher;
    private final Drainer drainer;
    private final RecentAnomalyStarts anomalyStarts;

    public AdminGrpcService(StreamRegistry streams, DynamicBatcher batcher, Drainer drainer,
                            RecentAnomalyStarts anomalyStarts) {
        this.streams = streams;
        this.batcher = batcher;
        this.drainer = drainer;
        this.anomalyStarts = anomalyStarts;
    }

    @Override
    public void getLoadReport(GetLoadReportRequest request, StreamObserver<LoadReport> responses) {
        responses.onNext(LoadReport.newBuilder()
                .setActiveStreams(streams.activeStreams())
                .setCallsAwaitingOpen(streams.callsAwaitingOpen())
                .setStreamCapacity(streams.capacity())
                .setQueueDepth(batcher.queueDepth())
                .setDraining(streams.draining())
                .setSegmentsScored(streams.segmentsScored())
                .build());
        responses.onCompleted();
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> responses) {
        drainer.drain("Drain request");
        responses.onNext(DrainResponse.newBuilder().setActiveStreams(streams.activeStreams()).build());
        responses.onCompleted();
    }

    @Override
    public void undrain(UndrainRequest request, StreamObserver<UndrainResponse> responses) {
        boolean wasDraining;
        try {
            wasDraining = drainer.undrain();
        } catch (StatusRuntimeException refused) {
            responses.onError(refused);
            return;
        }
        responses.onNext(UndrainResponse.newBuilder().setWasDraining(wasDraining).build());
        responses.onCompleted();
    }

    @Override
    public void getAnomalyStarts(GetAnomalyStartsRequest request, StreamObserver<AnomalyStarts> responses) {
        responses.onNext(anomalyStarts.after(request.getAfter(), request.getEpoch()));
        responses.onCompleted();
    }
}
