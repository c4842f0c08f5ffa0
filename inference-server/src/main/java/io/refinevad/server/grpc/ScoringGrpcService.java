package io.refinevad.server.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.CategoryProbability;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.DrainResponse;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.NanoClock;
import io.refinevad.server.batching.QueueFullException;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.features.FeatureDecoder;
import io.refinevad.server.features.FeatureRange;
import io.refinevad.server.stream.StreamLimits;
import io.refinevad.server.stream.StreamRegistry;
import io.refinevad.server.events.StreamEvents;
import io.refinevad.server.stream.StreamSession;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** refinevad.v1.Scoring: every clip and stream window goes through the shared dynamic batcher. */
@GrpcService
public class ScoringGrpcService extends ScoringGrpc.ScoringImplBase {

    @Inject
    InferenceEngine engine;

    @Inject
    ModelBundle bundle;

    @Inject
    AlarmSettings alarms;

    @Inject
    StreamEvents events;

    @Inject
    DynamicBatcher batcher;

    @Inject
    StreamRegistry streams;

    @Inject
    StreamLimits limits;

    @Inject
    AdminEndpoint admin;

    @Inject
    ClipLimits clips;

    @Inject
    NanoClock clock;

    @Inject
    FeatureRange range;

    @Override
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> responses) {
        long received = clock.nanoTime();
        ModelManifest manifest = bundle.manifest();
        if (!request.getModel().isEmpty() && !request.getModel().equals(manifest.name())) {
            responses.onError(GrpcErrors.modelNotServed(request.getModel(), "", manifest.name(),
                    manifest.version()));
            return;
        }
        if (!request.hasFeatures()) {
            responses.onError(GrpcErrors.invalidArgument("features is required"));
            return;
        }
        try {
            float[] features = new FeatureDecoder(manifest.featureDim(), clips.maxSegments(), range).decode(
                    request.getFeatures(), "features");
            batcher.submit(new ScoringJob(features, request.getFeatures().getSegments(),
                    result -> reply(responses, manifest, result, received),
                    error -> responses.onError(GrpcErrors.scoringFailed(error))));
        } catch (QueueFullException e) {
            responses.onError(GrpcErrors.resourceExhausted(e.getMessage()));
        } catch (StatusRuntimeException e) {
            responses.onError(e);
        }
    }

    private void reply(StreamObserver<ScoreResponse> responses, ModelManifest manifest, JobResult result,
                       long received) {
        responses.onNext(ScoreResponse.newBuilder()
                .addAllScores(floats(result.scores()))
                .addAllCategories(categories(manifest.categories(), result.probs()))
                .setModelName(manifest.name())
                .setModelVersion(manifest.version())
                .setTiming(result.timing(received, clock.nanoTime()))
                .build());
        responses.onCompleted();
    }

    @Override
    public StreamObserver<StreamRequest> streamScores(StreamObserver<StreamResponse> responses) {
        return new StreamSession((ServerCallStreamObserver<StreamResponse>) responses, streams, batcher, clock,
                bundle.manifest(), alarms, new FeatureDecoder(bundle.manifest().featureDim(),
                limits.maxSegmentsPerMessage(), range), events);
    }

    /** Moved to the admin plane; kept for one version to tell old callers where it went. */
    @Override
    @Deprecated
    public void getLoadReport(GetLoadReportRequest request, StreamObserver<LoadReport> responses) {
        responses.onError(movedToAdmin("GetLoadReport"));
    }

    /** Moved to the admin plane, so that a client that can score here cannot drain this server. */
    @Override
    @Deprecated
    public void drain(DrainRequest request, StreamObserver<DrainResponse> responses) {
        responses.onError(movedToAdmin("Drain"));
    }

    private StatusRuntimeException movedToAdmin(String method) {
        return GrpcErrors.unimplemented("refinevad.v1.Scoring/" + method + " has moved to " + admin.describe(method)
                + ", which only the operator reaches");
    }

    @Override
    public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> responses) {
        ModelManifest manifest = bundle.manifest();
        responses.onNext(ModelInfo.newBuilder()
                .setName(manifest.name())
                .setVersion(manifest.version())
                .setFeatureDim(manifest.featureDim())
                .setWindow(manifest.window())
                .setFramesPerSegment(manifest.framesPerSegment())
                .addAllCategories(manifest.categories())
                .setEngine(engine.name())
                .setSha256(manifest.files().get(engine.modelFile()).sha256())
                .setAlarms(alarms)
                .build());
        responses.onCompleted();
    }

    private static List<CategoryProbability> categories(List<String> names, float[] probs) {
        return IntStream.range(0, names.size())
                .mapToObj(i -> CategoryProbability.newBuilder().setCategory(names.get(i)).setProbability(probs[i])
                        .build())
                .toList();
    }

    private static List<Float> floats(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return Arrays.asList(boxed);
    }
}
