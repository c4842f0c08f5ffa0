package io.refinevad.server.batching;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Dynamic batching across all streams and requests. */
@ConfigMapping(prefix = "refinevad.batching")
public interface BatchingConfig {

    /** Most windows or clips run together in one engine call. */
    @WithDefault("32")
    int maxBatchSize();

    /** Longest a job waits for others to join its batch. */
    @WithDefault("5ms")
    Duration maxQueueDelay();

    /** Jobs waiting at most; beyond it new work is refused with RESOURCE_EXHAUSTED. */
    @WithDefault("1024")
    int maxQueueSize();

    /**
     * Most feature values (jobs x longest job x D, padding included) one engine call takes: a larger batch runs as
     * several smaller ones, in order. It bounds a batch's memory (4 bytes a value, 256 MiB by default) and keeps the
     * arrays within what Java can index.
     */
    @WithDefault("67108864")
    long maxBatchFloats();
}
