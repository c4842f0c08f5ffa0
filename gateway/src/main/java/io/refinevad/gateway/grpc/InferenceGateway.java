package io.refinevad.gateway.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ModelInferResponse;
import io.refinevad.api.oip.ModelMetadataRequest;
import io.refinevad.api.oip.ModelMetadataResponse;
import io.refinevad.api.oip.ModelReadyRequest;
import io.refinevad.api.oip.ModelReadyResponse;
import io.refinevad.api.oip.ServerLiveRequest;
import io.refinevad.api.oip.ServerLiveResponse;
import io.refinevad.api.oip.ServerMetadataRequest;
import io.refinevad.api.oip.ServerMetadataResponse;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.api.oip.ServerReadyResponse;
import io.refinevad.gateway.pods.ScoringPod;
import io.refinevad.gateway.pods.ScoringPods;
import java.util.Optional;

/**
 * The Open Inference Protocol for cameras: every request about the model, ModelInfer included, goes to the next
 * ready pod in turn; ServerLive and ServerReady are the gateway's own (ready: some pod can take work). A ModelInfer
 * naming a model the pods do not serve is refused here, NOT_FOUND.
 */
@GrpcService
public class InferenceGateway extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private final ScoringPods pods;

    public InferenceGateway(ScoringPods pods) {
        this.pods = pods;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        responses.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        responses.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        responses.onNext(ServerReadyResponse.newBuilder().setReady(pods.anyPlaceable()).build());
        responses.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        PerRequest.forward(pods, (pod, answers) -> stub(pod).modelReady(request, answers), responses);
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        PerRequest.forward(pods, (pod, answers) -> stub(pod).serverMetadata(request, answers), responses);
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        PerRequest.forward(pods, (pod, answers) -> stub(pod).modelMetadata(request, answers), responses);
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        Optional<Status> notServed = pods.notServed(request.getModelName(), request.getModelVersion());
        if (notServed.isPresent()) {
            responses.onError(notServed.get().asRuntimeException());
            return;
        }
        PerRequest.forward(pods, (pod, answers) -> stub(pod).modelInfer(request, answers), responses);
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub(ScoringPod pod) {
        return GRPCInferenceServiceGrpc.newStub(pod.channel());
    }
}
