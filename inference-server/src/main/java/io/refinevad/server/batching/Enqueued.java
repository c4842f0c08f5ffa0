package io.refinevad.server.batching;

/**
 * A job in the batcher: when it entered its queue (the start of its max-queue-delay and of its queue time), what
 * it costs there, and whether it was answered, so that a batch that fails half way answers each job exactly once.
 */
final class Enqueued {
    final ScoringJob job;
    final long enqueuedNanos;
    final long bytes;
    final long attention;
    boolean answered;

    Enqueued(ScoringJob job, int featureDim, long enqueuedNanos) {
        this.job = job;
        this.enqueuedNanos = enqueuedNanos;
        this.bytes = WorkSize.featureBytes(job.length(), featureDim);
        this.attention = WorkSize.attention(job.length());
    }
}
