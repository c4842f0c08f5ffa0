package io.refinevad.server;

import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.ScoringJob;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a batcher's worker in the answer of a one-segment job, so that what a test submits meanwhile arrives while
 * the worker holds a batch: it queues up, and what each following batch holds does not depend on timing.
 */
final class HeldWorker {
    private HeldWorker() {
    }

    /**
     * Submits the job to the batcher, idle so far (it runs at once), and returns once the worker is in its answer;
     * the worker stays there until the returned latch is released.
     */
    static CountDownLatch hold(DynamicBatcher batcher, int featureDim) {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        batcher.submit(new ScoringJob(new float[featureDim], 1, result -> {
            holding.countDown();
            await(release);
        }, error -> { }));
        await(holding);
        return release;
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the batcher never got there");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
