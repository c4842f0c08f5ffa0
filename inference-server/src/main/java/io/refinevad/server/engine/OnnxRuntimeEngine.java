package io.refinevad.server.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.refinevad.server.model.ModelBundle;
import java.nio.FloatBuffer;
import java.util.Map;

/** model.onnx in ONNX Runtime, on the CPU or a GPU (GpuConfig). Inputs are bound by name: x and mask. */
public final class OnnxRuntimeEngine implements InferenceEngine {
    public static final String MODEL_FILE = "model.onnx";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final int categories;
    private final String name;

    public OnnxRuntimeEngine(ModelBundle bundle, int intraOpThreads) {
        this(bundle, intraOpThreads, null);
    }

    /** @param gpu null for the CPU */
    public OnnxRuntimeEngine(ModelBundle bundle, int intraOpThreads, GpuConfig gpu) {
        this.environment = OrtEnvironment.getEnvironment();
        this.categories = bundle.manifest().categories().size();
        this.name = gpu != null && gpu.provider() == GpuConfig.Provider.TENSORRT ? "TensorRT" : "OnnxRuntime";
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (gpu != null) {
                ExecutionProviders.apply(options, gpu);
            }
            this.session = environment.createSession(bundle.verifiedFile(MODEL_FILE).toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + bundle.directory().resolve(MODEL_FILE)
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String modelFile() {
        return MODEL_FILE;
    }

    @Override
    public EngineOutput run(EngineInput input) {
        long[] featureShape = {input.batch(), input.time(), input.featureDim()};
        long[] maskShape = {input.batch(), input.time()};
        try (OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.features()), featureShape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.mask()), maskShape);
             OrtSession.Result result = session.run(Map.of("x", x, "mask", mask))) {
            float[] scores = copy((OnnxTensor) result.get(0));
            float[] probs = copy((OnnxTensor) result.get(1));
            return new EngineOutput(input.batch(), input.time(), categories, scores, probs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + input.batch() + " x "
                    + input.time() + ": " + e.getMessage(), e);
        }
    }

    private static float[] copy(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session", e);
        }
    }
}
