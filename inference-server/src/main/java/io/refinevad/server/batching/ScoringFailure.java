package io.refinevad.server.batching;

import io.quarkus.logging.Log;
import java.util.UUID;

/**
 * Accepted work that could not be scored. The message is for the client and says nothing of the server's inside;
 * the details are logged once, under the error id that the client's message carries.
 */
public final class ScoringFailure extends RuntimeException {
    private final String errorId;

    private ScoringFailure(String message, String errorId) {
        super(message, null, false, false);
        this.errorId = errorId;
    }

    /** The engine threw on a batch: one log line with its stack trace for the whole batch. */
    static ScoringFailure engineFailed(RuntimeException cause, int batchSize) {
        String id = UUID.randomUUID().toString();
        Log.errorf(cause, "error %s: the engine failed on a batch of %d jobs", id, batchSize);
        return new ScoringFailure("the engine failed to score this request", id);
    }

    /** Running a batch failed outside the engine call (an allocation, say): one log line for the batch. */
    static ScoringFailure batchFailed(Throwable cause, int batchSize) {
        String id = UUID.randomUUID().toString();
        Log.errorf(cause, "error %s: a batch of %d jobs failed; the batcher goes on with the next", id, batchSize);
        return new ScoringFailure("the server failed to score this request", id);
    }

    /** The batcher's worker stopped for good: one log line, and the same answer for every job it leaves. */
    static ScoringFailure workerDied(Error cause) {
        String id = UUID.randomUUID().toString();
        Log.errorf(cause, "error %s: the batcher's worker stopped; the server stops serving and exits", id);
        return new ScoringFailure("the server stopped scoring and is restarting; retry on another replica", id);
    }

    /** The model returned NaN or infinity for some jobs of a batch: one log line for them all. */
    static ScoringFailure nonFiniteOutput(int failedJobs, int batchSize) {
        String id = UUID.randomUUID().toString();
        Log.errorf("error %s: the model produced a non-finite score or probability for %d of the %d jobs of a batch",
                id, failedJobs, batchSize);
        return new ScoringFailure("the model produced a non-finite score or probability for this input", id);
    }

    public String errorId() {
        return errorId;
    }
}
