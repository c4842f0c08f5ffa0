package io.refinevad.server;

import io.refinevad.server.batching.BatchingConfig;
import java.time.Duration;

/** Batching settings as a test gives them, for batchers built without Quarkus. */
record FixedBatching(int maxBatchSize, Duration maxQueueDelay, int maxQueueSize, long maxQueueBytes,
                     long maxQueueAttention, long maxRequestAttention, long maxBatchFloats, long maxBatchAttention,
                     double clipShare) implements BatchingConfig {

    /** Without budgets beyond the job count, for tests that are not about them. */
    FixedBatching(int maxBatchSize, Duration maxQueueDelay, int maxQueueSize) {
        this(maxBatchSize, maxQueueDelay, maxQueueSize, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, Long.MAX_VALUE, 0.25);
    }

    FixedBatching withMaxBatchFloats(long floats) {
        return new FixedBatching(maxBatchSize, maxQueueDelay, maxQueueSize, maxQueueBytes, maxQueueAttention,
                maxRequestAttention, floats, maxBatchAttention, clipShare);
    }

    FixedBatching withMaxQueueBytes(long bytes) {
        return new FixedBatching(maxBatchSize, maxQueueDelay, maxQueueSize, bytes, maxQueueAttention,
                maxRequestAttention, maxBatchFloats, maxBatchAttention, clipShare);
    }

    FixedBatching withMaxQueueAttention(long attention) {
        return new FixedBatching(maxBatchSize, maxQueueDelay, maxQueueSize, maxQueueBytes, attention,
                maxRequestAttention, maxBatchFloats, maxBatchAttention, clipShare);
    }

    FixedBatching withMaxRequestAttention(long attention) {
        return new FixedBatching(maxBatchSize, maxQueueDelay, maxQueueSize, maxQueueBytes, maxQueueAttention,
                attention, maxBatchFloats, maxBatchAttention, clipShare);
    }
}
