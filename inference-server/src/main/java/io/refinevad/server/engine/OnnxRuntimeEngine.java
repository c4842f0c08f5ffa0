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
    private final int featureDim;
    private final String name;
    /** Buffers beyond this (64 windows of 32 x 1024) are not kept: a rare long clip must not pin its memory. */
    private static final int MAX_KEPT_FLOATS = 64 * 32 * 1024;
    /**
     * A call past this attention cost (jobs x length^2; 64 windows of 32) leaves memory in ONNX Runtime's arena that
     * releaseCachedMemory gives back. The arena otherwise keeps the peak of the largest call for good: after a burst
     * of 2040-segment clips the process stayed hundreds of MiB above its idle size (docs/SERVER.md). Shrinking it
     * after every such call instead made long clips about 40 % slower (each call mapped its memory afresh).
     */
    private static final long MAX_KEPT_ATTENTION = 64L * 32 * 32;
    private final OrtSession.RunOptions shrinkArenaAfterRun;
    private boolean arenaGrown;
    private FloatBuffer featureBuffer = DirectFloats.allocate(0);
    private FloatBuffer maskBuffer = DirectFloats.allocate(0);

    public OnnxRuntimeEngine(ModelBundle bundle, int intraOpThreads, boolean spinWait) {
        this(bundle, intraOpThreads, spinWait, null);
    }

    /**
     * @param intraOpThreads threads one call may use; 0 means one per CPU this process may use (EngineThreads)
     * @param spinWait whether those threads busy-wait for work between calls instead of sleeping
     * @param gpu null for the CPU
     */
    public OnnxRuntimeEngine(ModelBundle bundle, int intraOpThreads, boolean spinWait, GpuConfig gpu) {
        this.environment = OrtEnvironment.getEnvironment();
        this.categories = bundle.manifest().categories().size();
        this.featureDim = bundle.manifest().featureDim();
        this.name = gpu != null && gpu.provider() == GpuConfig.Provider.TENSORRT ? "TensorRT" : "OnnxRuntime";
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(EngineThreads.resolve(intraOpThreads));
            // Spinning makes a lone engine faster, but in the server it burns the cores that gRPC and the other
            // streams need between calls: end to end was measured faster without it (docs/PERFORMANCE.md).
            options.addConfigEntry("session.intra_op.allow_spinning", spinWait ? "1" : "0");
            if (gpu != null) {
                ExecutionProviders.apply(options, gpu);
            }
            this.session = environment.createSession(bundle.verifiedFile(MODEL_FILE).toString(), options);
            this.shrinkArenaAfterRun = new OrtSession.RunOptions();
            shrinkArenaAfterRun.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + bundle.directory().resolve(MODEL_FILE)
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** ONNX Runtime runs the ONNX model whichever execution provider (CPU, CUDA, TensorRT) it uses. */
    @Override
    public String platform() {
        return "onnxruntime_onnx";
    }

    @Override
    public String modelFile() {
        return MODEL_FILE;
    }

    /**
     * One caller at a time: the inputs go through two direct buffers kept between calls. A heap array would make
     * ONNX Runtime allocate and fill a fresh direct buffer per input per call (a batch of 32 windows is 2 MiB).
     */
    @Override
    public synchronized EngineOutput run(EngineInput input) {
        long[] featureShape = {input.batch(), input.time(), input.featureDim()};
        long[] maskShape = {input.batch(), input.time()};
        featureBuffer = DirectFloats.fill(featureBuffer, input.features());
        maskBuffer = DirectFloats.fill(maskBuffer, input.mask());
        try (OnnxTensor x = OnnxTensor.createTensor(environment, featureBuffer, featureShape);
             OnnxTensor mask = OnnxTensor.createTensor(environment, maskBuffer, maskShape);
             OrtSession.Result result = session.run(Map.of("x", x, "mask", mask))) {
            arenaGrown |= (long) input.batch() * input.time() * input.time() > MAX_KEPT_ATTENTION;
            float[] scores = copy((OnnxTensor) result.get(0));
            float[] probs = copy((OnnxTensor) result.get(1));
            return new EngineOutput(input.batch(), input.time(), categories, scores, probs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + input.batch() + " x "
                    + input.time() + ": " + e.getMessage(), e);
        } finally {
            if (featureBuffer.capacity() > MAX_KEPT_FLOATS) {
                featureBuffer = DirectFloats.allocate(0);
                maskBuffer = DirectFloats.allocate(0);
            }
        }
    }

    /** ONNX Runtime shrinks its arena only at the end of a run: a one-segment run of zeros that asks it to. */
    @Override
    public synchronized void releaseCachedMemory() {
        if (!arenaGrown) {
            return;
        }
        arenaGrown = false;
        try (OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(new float[featureDim]),
                new long[]{1, 1, featureDim});
             OnnxTensor mask = OnnxTensor.createTensor(environment, FloatBuffer.wrap(new float[]{1f}), new long[]{1, 1});
             OrtSession.Result ignored = session.run(Map.of("x", x, "mask", mask), shrinkArenaAfterRun)) {
            // Nothing to read: the run is for its end, where the arena gives back the regions no tensor uses.
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not give back its cached memory: " + e.getMessage(), e);
        }
    }

    private static float[] copy(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public synchronized void close() {
        try {
            shrinkArenaAfterRun.close();
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session", e);
        }
    }
}
