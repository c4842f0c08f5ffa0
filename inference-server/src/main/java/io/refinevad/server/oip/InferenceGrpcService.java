package io.refinevad.server.oip;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.api.oip.ModelInferResponse;
import io.refinevad.api.oip.ModelMetadataRequest;
import io.refinevad.api.oip.ModelMetadataResponse;
import io.refinevad.api.oip.ModelMetadataResponse.TensorMetadata;
import io.refinevad.api.oip.ModelReadyRequest;
import io.refinevad.api.oip.ModelReadyResponse;
import io.refinevad.api.oip.ServerLiveRequest;
import io.refinevad.api.oip.ServerLiveResponse;
import io.refinevad.api.oip.ServerMetadataRequest;
import io.refinevad.api.oip.ServerMetadataResponse;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.api.oip.ServerReadyResponse;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.QueueFullException;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.features.FeatureRange;
import io.refinevad.server.grpc.ClipLimits;
import io.refinevad.server.health.Readiness;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Open Inference Protocol (KServe v2) over gRPC. ModelInfer takes the exported model's own tensors: x FP32
 * [batch, time, D] and optionally mask FP32 [batch, time] (each row 1s then 0s; all 1s when absent), and returns
 * scores [batch, time] and probs [batch, C]. Rows are scored through the same batcher as every stream.
 */
@GrpcService
public class InferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    static final String SERVER_NAME = "refinevad-inference-server";
    private static final List<String> INPUTS = List.of("x", "mask");
    private static final List<String> OUTPUTS = List.of("scores", "probs");

    @Inject
    ModelBundle bundle;

    @Inject
    InferenceEngine engine;

    @Inject
    DynamicBatcher batcher;

    @Inject
    Readiness readiness;

    @Inject
    ClipLimits clips;

    @Inject
    FeatureRange range;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String serverVersion;

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        reply(responses, ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        reply(responses, ServerReadyResponse.newBuilder().setReady(readiness.ready()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        boolean ours = serves(request.getName(), request.getVersion());
        reply(responses, ModelReadyResponse.newBuilder().setReady(ours && readiness.ready()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        reply(responses, ServerMetadataResponse.newBuilder().setName(SERVER_NAME).setVersion(serverVersion).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        ModelManifest m = bundle.manifest();
        if (!serves(request.getName(), request.getVersion())) {
            responses.onError(notFound(request.getName(), request.getVersion()));
            return;
        }
        reply(responses, ModelMetadataResponse.newBuilder()
                .setName(m.name())
                .addVersions(m.version())
                .setPlatform(engine.platform())
                .addInputs(tensor("x", -1, -1, m.featureDim()))
                .addInputs(tensor("mask", -1, -1))
                .addOutputs(tensor("scores", -1, -1))
                .addOutputs(tensor("probs", -1, m.categories().size()))
                .build());
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        try {
            infer(request, responses);
        } catch (QueueFullException e) {
            responses.onError(GrpcErrors.resourceExhausted(e.getMessage()));
        } catch (StatusRuntimeException e) {
            responses.onError(e);
        }
    }

    private void infer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        ModelManifest m = bundle.manifest();
        if (!serves(request.getModelName(), request.getModelVersion())) {
            throw notFound(request.getModelName(), request.getModelVersion());
        }
        checkTensorNames(request);
        int xIndex = inputIndex(request, "x");
        if (xIndex < 0) {
            throw GrpcErrors.invalidArgument("input 'x' (FP32 [batch, time, " + m.featureDim() + "]) is required");
        }
        List<Long> shape = request.getInputs(xIndex).getShapeList();
        if (shape.size() != 3 || shape.get(0) < 1 || shape.get(0) > clips.maxBatch() || shape.get(1) < 1
                || shape.get(1) > clips.maxSegments()) {
            throw GrpcErrors.invalidArgument("input 'x' has shape " + shape + "; expected [batch, time, "
                    + m.featureDim() + "] with batch 1 to " + clips.maxBatch() + " and time 1 to "
                    + clips.maxSegments());
        }
        int batch = shape.get(0).intValue();
        int time = shape.get(1).intValue();
        float[] x = InferTensors.read(request, xIndex, new long[]{batch, time, m.featureDim()});
        range.requireInRange(x, "input 'x'", i -> "[" + i / m.featureDim() / time + ", " + i / m.featureDim() % time
                + ", " + i % m.featureDim() + "] (clip, segment, feature)");
        int maskIndex = inputIndex(request, "mask");
        int[] lengths = maskIndex < 0 ? full(batch, time)
                : prefixLengths(InferTensors.read(request, maskIndex, new long[]{batch, time}), batch, time);
        float[] scores = new float[batch * time];
        float[] probs = new float[batch * m.categories().size()];
        AtomicInteger remaining = new AtomicInteger(batch);
        AtomicBoolean failed = new AtomicBoolean();
        List<ScoringJob> rows = new ArrayList<>(batch);
        for (int row = 0; row < batch; row++) {
            int r = row;
            float[] features = new float[lengths[row] * m.featureDim()];
            System.arraycopy(x, row * time * m.featureDim(), features, 0, features.length);
            rows.add(new ScoringJob(features, lengths[row], result -> {
                collect(result, r, time, scores, probs);
                if (remaining.decrementAndGet() == 0 && !failed.get()) {
                    reply(responses, response(request, batch, time, scores, probs));
                }
            }, error -> {
                if (failed.compareAndSet(false, true)) {  // answer once, however many rows failed
                    responses.onError(GrpcErrors.scoringFailed(error));
                }
            }));
        }
        batcher.submit(rows);  // all rows or none: a refused request leaves no rows scoring for nobody
    }

    private static synchronized void collect(JobResult result, int row, int time, float[] scores, float[] probs) {
        System.arraycopy(result.scores(), 0, scores, row * time, result.scores().length);
        System.arraycopy(result.probs(), 0, probs, row * result.probs().length, result.probs().length);
    }

    private ModelInferResponse response(ModelInferRequest request, int batch, int time, float[] scores,
                                        float[] probs) {
        ModelManifest m = bundle.manifest();
        ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
                .setModelName(m.name()).setModelVersion(m.version()).setId(request.getId());
        List<String> wanted = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
        if (wanted.isEmpty() || wanted.contains("scores")) {
            out.addOutputs(output("scores", batch, time)).addRawOutputContents(Float32Bytes.pack(scores));
        }
        if (wanted.isEmpty() || wanted.contains("probs")) {
            out.addOutputs(output("probs", batch, m.categories().size())).addRawOutputContents(Float32Bytes.pack(probs));
        }
        return out.build();
    }

    private static int[] prefixLengths(float[] mask, int batch, int time) {
        int[] lengths = new int[batch];
        for (int row = 0; row < batch; row++) {
            int length = 0;
            while (length < time && mask[row * time + length] == 1f) {
                length++;
            }
            for (int t = length; t < time; t++) {
                if (mask[row * time + t] != 0f) {
                    throw GrpcErrors.invalidArgument("input 'mask' row " + row + " is not 1s followed by 0s (value "
                            + mask[row * time + t] + " at " + t + "); padding goes after the valid segments");
                }
            }
            if (length == 0) {
                throw GrpcErrors.invalidArgument("input 'mask' row " + row
                        + " has no valid segment; every row needs one");
            }
            lengths[row] = length;
        }
        return lengths;
    }

    private static int[] full(int batch, int time) {
        int[] lengths = new int[batch];
        Arrays.fill(lengths, time);
        return lengths;
    }

    /** As Triton answers: every input and requested output must be one of the model's, and no input twice. */
    private void checkTensorNames(ModelInferRequest request) {
        String model = bundle.manifest().name();
        Set<String> seen = new HashSet<>();
        for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
            if (!INPUTS.contains(input.getName())) {
                throw GrpcErrors.invalidArgument("unexpected inference input '" + input.getName() + "' for model '"
                        + model + "'; its inputs are " + INPUTS);
            }
            if (!seen.add(input.getName())) {
                throw GrpcErrors.invalidArgument("input '" + input.getName() + "' is given more than once");
            }
        }
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            if (!OUTPUTS.contains(output.getName())) {
                throw GrpcErrors.invalidArgument("unexpected inference output '" + output.getName() + "' for model '"
                        + model + "'; its outputs are " + OUTPUTS);
            }
        }
    }

    private static int inputIndex(ModelInferRequest request, String name) {
        for (int i = 0; i < request.getInputsCount(); i++) {
            if (request.getInputs(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean serves(String name, String version) {
        ModelManifest m = bundle.manifest();
        return name.equals(m.name()) && (version.isEmpty() || version.equals(m.version()));
    }

    private StatusRuntimeException notFound(String name, String version) {
        ModelManifest m = bundle.manifest();
        return GrpcErrors.modelNotServed(name, version, m.name(), m.version());
    }

    private static TensorMetadata tensor(String name, long... shape) {
        TensorMetadata.Builder t = TensorMetadata.newBuilder().setName(name).setDatatype("FP32");
        for (long d : shape) {
            t.addShape(d);
        }
        return t.build();
    }

    private static ModelInferResponse.InferOutputTensor output(String name, long... shape) {
        ModelInferResponse.InferOutputTensor.Builder t = ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(name).setDatatype("FP32");
        for (long d : shape) {
            t.addShape(d);
        }
        return t.build();
    }

    private static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
