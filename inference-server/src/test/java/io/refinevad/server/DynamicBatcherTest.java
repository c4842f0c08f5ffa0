package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.server.batching.BatchingConfig;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.metrics.ScoringMetrics;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The max-queue-delay contract, on a clock the test moves: a batch waits for companions until its oldest job has
 * waited the delay since it was enqueued, and no longer. The delay is an hour, so a batcher that waited by the
 * wall clock where it should not would never answer within the test's patience.
 */
class DynamicBatcherTest {
    private static final int DIM = 512;
    private static final Duration DELAY = Duration.ofHours(1);
    private static OnnxRuntimeEngine engine;

    private final AtomicLong clock = new AtomicLong();

    @BeforeAll
    static void loadEngine() {
        ObjectMapper mapper = new ObjectMapper();
        engine = new OnnxRuntimeEngine(ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper), 1, false);
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Test
    void aBatchWaitsForCompanionsWhileItsOldestJobIsWithinTheDelay() throws Exception {
        try (DynamicBatcher batcher = batcher(2)) {
            CompletableFuture<JobResult> first = submit(batcher);
            CompletableFuture<JobResult> second = submit(batcher);
            assertEquals(2, first.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(2, second.get(30, TimeUnit.SECONDS).batchSize());
        }
    }

    @Test
    void jobsThatWaitedTheDelayBehindABusyWorkerRunAtOnceWithWhatIsQueued() throws Exception {
        try (DynamicBatcher batcher = batcher(3)) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            batcher.submit(new ScoringJob(new float[DIM], 1, result -> {
                busy.countDown();
                await(release);  // the worker stays in this batch's delivery while the next jobs queue up
            }, error -> { }));
            submit(batcher);
            submit(batcher);
            await(busy);
            CompletableFuture<JobResult> late = submit(batcher);
            CompletableFuture<JobResult> later = submit(batcher);
            clock.addAndGet(DELAY.toNanos());  // both have now waited the whole delay in the queue
            release.countDown();
            // They run together at once: their delay counts from their arrival, not from the worker taking them.
            assertEquals(2, late.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(2, later.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(DELAY.toNanos() / 1000, late.get().queueMicros());
        }
    }

    private DynamicBatcher batcher(int maxBatchSize) {
        BatchingConfig config = new BatchingConfig() {
            @Override
            public int maxBatchSize() {
                return maxBatchSize;
            }

            @Override
            public Duration maxQueueDelay() {
                return DELAY;
            }

            @Override
            public int maxQueueSize() {
                return 16;
            }
        };
        return new DynamicBatcher(engine, DIM, config, new ScoringMetrics(new SimpleMeterRegistry()), clock::get);
    }

    private static CompletableFuture<JobResult> submit(DynamicBatcher batcher) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        batcher.submit(new ScoringJob(new float[DIM], 1, result::complete, result::completeExceptionally));
        return result;
    }

    private static void await(CountDownLatch latch) {
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
