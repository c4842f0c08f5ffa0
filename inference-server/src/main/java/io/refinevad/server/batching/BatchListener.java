package io.refinevad.server.batching;

/** What the batcher reports as it works, for metrics; called on the batcher's worker thread. */
public interface BatchListener {

    /** A batch of `size` jobs ran in the engine for `inferenceMicros`. */
    void batchRan(int size, long inferenceMicros);

    /** A job's result is ready: it waited `queueMicros` for its batch and `totalMicros` since it was enqueued. */
    void jobAnswered(long queueMicros, long totalMicros);
}
