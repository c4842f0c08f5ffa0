package io.refinevad.server.batching;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Dynamic batching across all streams and requests, and the budgets of what waits for it (docs/SERVER.md). Jobs
 * wait in two queues, windows and long clips; each queue has the max-queue-* budgets. A job's attention cost is its
 * length in segments squared: the model's self-attention is quadratic in it, in time and in activation memory. The
 * operator derives a scoring pod's memory limit from these budgets (operator ScoringMemory), and writes them into
 * the pod's configuration: a default changed here must be changed there.
 */
@ConfigMapping(prefix = "refinevad.batching")
public interface BatchingConfig {

    /** Most windows or clips run together in one engine call. */
    @WithDefault("32")
    int maxBatchSize();

    /** Longest a job waits for others to join its batch. */
    @WithDefault("5ms")
    Duration maxQueueDelay();

    /** Jobs waiting in one queue at most; beyond it new work is refused with RESOURCE_EXHAUSTED. */
    @WithDefault("1024")
    int maxQueueSize();

    /**
     * Bytes of features (segments x D x 4) waiting in one queue at most (64 MiB: 1024 windows of 32 x 512, or 16
     * clips of 2048 x 512); beyond it new work is refused with RESOURCE_EXHAUSTED.
     */
    @WithDefault("67108864")
    long maxQueueBytes();

    /**
     * Attention cost (the sum of each job's segments^2) waiting in one queue at most: it bounds how long the queue
     * takes to run (64 Mi: 16 clips of 2048 segments); beyond it new work is refused with RESOURCE_EXHAUSTED.
     */
    @WithDefault("67108864")
    long maxQueueAttention();

    /**
     * Attention cost one request may bring (the sum of its clips' segments^2; 16 Mi: one clip of 4096 segments,
     * refinevad.clips.max-segments); a larger request is refused with RESOURCE_EXHAUSTED.
     */
    @WithDefault("16777216")
    long maxRequestAttention();

    /**
     * Most feature values (jobs x longest job x D, padding included) one engine call takes: a batch closes before
     * it would take more. It bounds a batch's input memory (4 bytes a value, 64 MiB by default: 32 windows of 1024
     * x 512) and is capped at what a Java array holds.
     */
    @WithDefault("16777216")
    long maxBatchFloats();

    /**
     * Most attention cost (jobs x longest job^2) one engine call takes: a batch closes before it would take more. It
     * bounds a call's activation memory and its time, which live windows wait out when a clip batch runs (4 Mi: a
     * clip of 2048 segments runs alone). A lone job always runs; max-request-attention bounds it.
     */
    @WithDefault("4194304")
    long maxBatchAttention();

    /**
     * The share of the engine's time that long clips get while windows are waiting too (more than 0, less than
     * 1): windows go first, and neither kind can starve the other.
     */
    @WithDefault("0.25")
    double clipShare();
}
