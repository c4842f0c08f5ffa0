package io.refinevad.server.engine;

/**
 * One loaded model that runs padded batches. Implementations run one batch at a time (callers from several threads
 * wait for each other); in the server the batcher's single worker is the only caller.
 */
public interface InferenceEngine extends AutoCloseable {

    /** OnnxRuntime, PyTorch or TensorRT, as ModelInfo.engine reports it. */
    String name();

    /** The model's platform as Triton and the Open Inference Protocol name it: onnxruntime_onnx, pytorch_libtorch. */
    String platform();

    /** The file of the model bundle this engine runs (its sha256 is in the manifest). */
    String modelFile();

    EngineOutput run(EngineInput input);

    /**
     * Gives back to the system the memory that large calls left cached in the engine, if any; the batcher calls it
     * when a burst of long clips is over. Nothing to give back by default.
     */
    default void releaseCachedMemory() {
    }

    @Override
    void close();
}
