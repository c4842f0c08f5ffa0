package io.refinevad.server.engine;

/** One loaded model that runs padded batches; implementations must be safe to call from several threads. */
public interface InferenceEngine extends AutoCloseable {

    /** OnnxRuntime, PyTorch or TensorRT, as the ModelInfo and the operator's status name it. */
    String name();

    /** The file of the model bundle this engine runs (its sha256 is in the manifest). */
    String modelFile();

    EngineOutput run(EngineInput input);

    @Override
    void close();
}
