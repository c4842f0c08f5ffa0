package io.refinevad.server.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.refinevad.api.v1.CategoryProbability;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Timing;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * refinevad.v1.Scoring. Score runs a whole clip with full context; the streaming, load-report and drain RPCs
 * answer UNIMPLEMENTED until the batcher lands (issue 3).
 */
@GrpcService
public class ScoringGrpcService extends ScoringGrpc.ScoringImplBase {

    @Inject
    InferenceEngine engine;

    @Inject
    ModelBundle bundle;

    @ConfigProperty(name = "refinevad.max-clip-segments", defaultValue = "4096")
    int maxClipSegments;

    @Override
    @Blocking
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> responses) {
        long start = System.nanoTime();
        ModelManifest manifest = bundle.manifest();
        if (!request.getModel().isEmpty() && !request.getModel().equals(manifest.name())) {
            responses.onError(Status.NOT_FOUND.withDescription("model '" + request.getModel()
                    + "' is not served here; this server serves '" + manifest.name() + "'").asRuntimeException());
            return;
        }
        if (!request.hasFeatures()) {
            responses.onError(FeatureDecoder.invalid("features is required"));
            return;
        }
        float[] features;
        try {
            features = new FeatureDecoder(manifest.featureDim(), maxClipSegments).decode(request.getFeatures(),
                    "features");
        } catch (RuntimeException e) {
            responses.onError(e);
            return;
        }
        int segments = request.getFeatures().getSegments();
        float[] mask = new float[segments];
        Arrays.fill(mask, 1f);
        long inferenceStart = System.nanoTime();
        EngineOutput output = engine.run(new EngineInput(1, segments, manifest.featureDim(), features, mask));
        long end = System.nanoTime();
        responses.onNext(ScoreResponse.newBuilder()
                .addAllScores(floats(output.scores()))
                .addAllCategories(categories(manifest.categories(), output.probs(0)))
                .setModelName(manifest.name())
                .setModelVersion(manifest.version())
                .setTiming(Timing.newBuilder()
                        .setInferenceMicros((end - inferenceStart) / 1000)
                        .setTotalMicros((end - start) / 1000)
                        .setBatchSize(1))
                .build());
        responses.onCompleted();
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
