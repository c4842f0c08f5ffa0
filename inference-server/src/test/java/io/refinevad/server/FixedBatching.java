package io.refinevad.server;

import io.refinevad.server.batching.BatchingConfig;
import java.time.Duration;

/** Batching settings as a test gives them, for batchers built without Quarkus. */
record FixedBatching(int maxBatchSize, Duration maxQueueDelay, int maxQueueSize, long maxBatchFloats)
        implements BatchingConfig {

    /** Without a batch budget, for tests that are not about it. */
    FixedBatching(int maxBatchSize, Duration maxQueueDelay, int maxQueueSize) {
        this(maxBatchSize, maxQueueDelay, maxQueueSize, Long.MAX_VALUE);
    }
}
