package io.refinevad.server.batching;

/**
 * A job in the batcher: when it entered its queue (the start of its queue time), until when a batch it is the
 * oldest of may wait for companions, what it costs there, and whether it was answered, so that a batch that fails
 * half way answers each job exactly once.
 */
final class Enqueued {
    final ScoringJob job;
    final long enqueuedNanos;
    final long bytes;
    final long attention;
    /**
     * Set by the batcher under its lock as the job is queued: its arrival plus max-queue-delay, or its arrival
     * itself when it found the engine idle and nothing else waiting (DynamicBatcher).
     */
    long companionsUntilNanos;
    boolean answered;

    Enqueued(ScoringJob job, int featureDim, long enqueuedNanos) {
        this.job = job;
        this.enqueuedNanos = enqueuedNanos;
        this.bytes = WorkSize.featureBytes(job.length(), featureDim);
        this.attention = WorkSize.attention(job.length());
    }
}
