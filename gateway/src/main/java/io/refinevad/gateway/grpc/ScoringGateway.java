package io.refinevad.gateway.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.DrainResponse;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.gateway.pods.ScoringPods;
import io.refinevad.gateway.stream.StreamRelays;
import java.util.Optional;

/**
 * refinevad.v1.Scoring for cameras, served by the detector's scoring pods: streams placed by load and moved when
 * their pod leaves (StreamRelays), Score and GetModelInfo sent to the pods in turn. A stream or Score naming a model
 * the pods do not serve is refused here, NOT_FOUND.
 */
@GrpcService
public class ScoringGateway extends ScoringGrpc.ScoringImplBase {
    private final ScoringPods pods;
    private final StreamRelays relays;

    public ScoringGateway(ScoringPods pods, StreamRelays relays) {
        this.pods = pods;
        this.relays = relays;
    }

    @Override
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> responses) {
        Optional<Status> notServed = pods.notServed(request.getModel(), "");
        if (notServed.isPresent()) {
            responses.onError(notServed.get().asRuntimeException());
            return;
        }
        PerRequest.forward(pods, (pod, answers) -> ScoringGrpc.newStub(pod.channel()).score(request, answers),
                responses);
    }

    @Override
    public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
        PerRequest.forward(pods, (pod, answers) -> ScoringGrpc.newStub(pod.channel()).getModelInfo(request, answers),
                responses);
    }

    @Override
    public StreamObserver<StreamRequest> streamScores(StreamObserver<StreamResponse> responses) {
        return relays.relay(responses);
    }

    @Override
    public void getLoadReport(GetLoadReportRequest request, StreamObserver<LoadReport> responses) {
        responses.onError(adminOnly("GetLoadReport"));
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> responses) {
        responses.onError(adminOnly("Drain"));
    }

    private static RuntimeException adminOnly(String method) {
        return Status.UNIMPLEMENTED.withDescription("refinevad.v1.Scoring/" + method + " is not served through the "
                + "gateway: it is refinevad.v1.Admin/" + method + " on each scoring pod's admin port, which only the "
                + "operator reaches").asRuntimeException();
    }
}
