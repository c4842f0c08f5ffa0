package io.refinevad.server.batching;

import java.util.function.Consumer;

/**
 * One clip or stream window waiting for the engine: `length` segments of features, row-major. The batcher calls
 * `onResult` (or `onFailure`) exactly once, on its worker thread, in the order the jobs were accepted. A result
 * is always finite: a job whose scores or probabilities are not fails instead.
 */
public record ScoringJob(float[] features, int length, Consumer<JobResult> onResult,
                         Consumer<ScoringFailure> onFailure) {
}
