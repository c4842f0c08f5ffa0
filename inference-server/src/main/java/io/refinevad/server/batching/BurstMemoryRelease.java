package io.refinevad.server.batching;

import io.quarkus.logging.Log;
import io.refinevad.server.engine.InferenceEngine;
import java.time.Duration;

/**
 * Gives memory back once a burst of long clips is over (no clip batch for a second), on the batcher's worker
 * between batches. Both the engine and the JVM otherwise keep the peak of the burst for good: ONNX Runtime's arena
 * keeps the largest call's activations, and G1 returns heap to the system only after a collection cycle that an
 * idle server never starts (and that young collections, while cameras stream, are not). Measured with
 * bench/fairness.sh: a server at 170 MiB stayed near 470 MiB after 2040-segment clips (7 GB before clip batches
 * were bounded), and came back within a few tens of MiB of its idle size with this.
 *
 * <p>The heap is collected by an explicit System.gc(): a full collection of a heap that holds little live data at
 * that point, once per burst, instead of JVM options (G1PeriodicGCInterval) that every launcher of the server
 * would have to carry and that do not fire while young collections keep happening.
 */
final class BurstMemoryRelease {
    static final Duration QUIET = Duration.ofSeconds(1);

    private final InferenceEngine engine;
    private final NanoClock clock;
    private boolean clipsRanSinceRelease;
    private long lastClipBatchNanos;

    BurstMemoryRelease(InferenceEngine engine, NanoClock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    void clipBatchRan() {
        clipsRanSinceRelease = true;
        lastClipBatchNanos = clock.nanoTime();
    }

    /** Gives memory back if clips ran and none has for QUIET since. */
    void releaseIfBurstOver() {
        if (!clipsRanSinceRelease || clock.nanoTime() - lastClipBatchNanos < QUIET.toNanos()) {
            return;
        }
        clipsRanSinceRelease = false;
        try {
            engine.releaseCachedMemory();
        } catch (RuntimeException e) {
            Log.warn("the engine could not give back its cached memory; it keeps it until the next burst", e);
        }
        System.gc();
    }
}
