package io.refinevad.server.batching;

import io.quarkus.logging.Log;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.InferenceEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the engine on full stream windows, [n, W, D], at the batch sizes 1, 2, 4, ... and the largest batch of
 * windows one call may take (max-batch-size, within the call budget), before the server reports SERVING. ONNX
 * Runtime plans its memory per input shape and grows its arena on a shape's first run, and the JIT has compiled
 * nothing yet: on a cold server the first cameras' segments were the slow ones (p99 around 530 ms
 * in the demo). Shorter windows (a stream's first W - 1 segments, short OIP rows) and long clips are not warmed:
 * their shapes are too many (any length up to W, or up to thousands of segments, times any batch size). Powers of
 * two, not every size: every size up to 32 is 528 windows of work, which on a pod limited to a tenth of a core kept
 * it NOT_SERVING for seconds and let a scale-up's new pods miss the streams they were made for (the e2e lifecycle
 * suite); 63 windows warm the arena up to the largest shape and the JIT as well, and a size in between is
 * planned on its first run at a fraction of that cost.
 *
 * <p>Bounded by refinevad.warmup.max-duration: sizes run smallest first (the sizes an idle or lightly loaded server
 * uses), and the warm-up stops before a size that would not end within the budget, judged from the previous size's
 * time scaled to it; a large max-batch-size on a slow engine is warmed as far as the budget goes, and the log says
 * where it stopped. The default model's six sizes (1 to 32) take about 50 ms on two cores.
 */
public final class EngineWarmup {
    private final InferenceEngine engine;
    private final int featureDim;
    private final int window;
    private final int largestBatch;
    private final long budgetNanos;
    private final Duration budget;
    private final NanoClock clock;

    public EngineWarmup(InferenceEngine engine, int featureDim, int window, BatchingConfig config, Duration budget,
                        NanoClock clock) {
        this.engine = engine;
        this.featureDim = featureDim;
        this.window = window;
        CallBudget callBudget = new CallBudget(featureDim, config.maxBatchFloats(), config.maxBatchAttention());
        int largest = 1;
        while (largest < config.maxBatchSize() && callBudget.fits(largest + 1, window)) {
            largest++;
        }
        this.largestBatch = largest;
        this.budget = budget;
        this.budgetNanos = budget.toNanos();
        this.clock = clock;
    }

    /**
     * Runs the sizes; returns those it ran. An engine that fails here is logged and the warm-up ends: the server
     * then serves cold, and each batch that fails is answered with its error as usual.
     */
    public List<Integer> run() {
        List<Integer> ran = new ArrayList<>();
        long start = clock.nanoTime();
        long previousNanos = 0;
        int previousSize = 0;
        for (int size : sizes()) {
            long elapsed = clock.nanoTime() - start;
            long expected = previousSize == 0 ? 0 : previousNanos * size / previousSize;
            if (elapsed + expected > budgetNanos) {
                Log.infof("engine warm-up stopped before batch size %d of %d after %d ms: refinevad.warmup.max-duration"
                        + " (%s) would not cover it; larger batches are cold on their first run", size,
                        largestBatch, elapsed / 1_000_000, budget);
                return ran;
            }
            long before = clock.nanoTime();
            try {
                engine.run(windows(size));
            } catch (RuntimeException e) {
                Log.warnf(e, "engine warm-up failed at batch size %d; serving without warming the rest", size);
                return ran;
            }
            previousNanos = clock.nanoTime() - before;
            previousSize = size;
            ran.add(size);
        }
        Log.infof("engine warm-up: batch sizes %s of [n, %d, %d] in %d ms", ran, window, featureDim,
                (clock.nanoTime() - start) / 1_000_000);
        return ran;
    }

    /** 1, 2, 4, ... below the largest batch, then the largest. */
    private List<Integer> sizes() {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size < largestBatch; size *= 2) {
            sizes.add(size);
        }
        sizes.add(largestBatch);
        return sizes;
    }

    /** `size` full windows of zeros: the engine's time does not depend on the values. */
    private EngineInput windows(int size) {
        float[] mask = new float[size * window];
        Arrays.fill(mask, 1f);
        return new EngineInput(size, window, featureDim, new float[size * window * featureDim], mask);
    }
}
