package io.refinevad.server.batching;

/**
 * What one engine call may take: at most max-batch-floats feature values (jobs x longest x D, padding included;
 * never more than a Java array holds) and at most max-batch-attention (jobs x longest^2), which bounds the
 * activation memory and the time of the call. A lone job always fits: the request budget has bounded it already.
 */
final class CallBudget {
    private final int featureDim;
    private final long maxFloats;
    private final long maxAttention;

    CallBudget(int featureDim, long maxFloats, long maxAttention) {
        this.featureDim = featureDim;
        this.maxFloats = Math.min(maxFloats, WorkSize.MAX_ARRAY_LENGTH);
        this.maxAttention = maxAttention;
    }

    /** Whether a batch of `jobs` jobs padded to `time` segments fits one call. */
    boolean fits(int jobs, int time) {
        return jobs == 1 || WorkSize.batchFloats(jobs, time, featureDim) <= maxFloats
                && WorkSize.batchAttention(jobs, time) <= maxAttention;
    }
}
