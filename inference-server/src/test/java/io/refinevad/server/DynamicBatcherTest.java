package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.ScoringFailure;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.metrics.ScoringMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The batcher without Quarkus. The max-queue-delay contract, on a clock the test moves: a request that finds the
 * batcher idle (no batch held, nothing queued) runs at once; under load a batch waits for companions until its
 * oldest job has waited the delay since it was enqueued, and no longer (the delay is an hour, so a batcher that
 * waited by the wall clock where it should not would never answer within the test's patience). Its worker's
 * supervision: a failed batch fails its jobs and the worker goes on; an error it cannot recover from fails every job
 * and stops the server. And its batch budget.
 */
class DynamicBatcherTest {
    private static final int DIM = 512;
    private static final int WINDOW = 32;
    private static final Duration DELAY = Duration.ofHours(1);
    @RegisterExtension
    static final DefaultModelEngine engine = new DefaultModelEngine();

    private final AtomicLong clock = new AtomicLong();

    @Test
    void aLoneJobThatFindsTheBatcherIdleRunsAtOnce() throws Exception {
        try (DynamicBatcher batcher = batcher(2)) {
            JobResult alone = submit(batcher).get(30, TimeUnit.SECONDS);  // the clock never moves
            assertEquals(1, alone.batchSize());
            assertEquals(0, alone.queueMicros());
        }
    }

    @Test
    void aRequestThatFindsTheBatcherIdleRunsAtOnceWithAllItsJobs() throws Exception {
        try (DynamicBatcher batcher = batcher(4)) {
            List<CompletableFuture<JobResult>> results = List.of(new CompletableFuture<>(),
                    new CompletableFuture<>(), new CompletableFuture<>());
            batcher.submit(results.stream().map(DynamicBatcherTest::job).toList());
            for (CompletableFuture<JobResult> result : results) {
                assertEquals(3, result.get(30, TimeUnit.SECONDS).batchSize(), "one batch, without waiting for a 4th");
            }
        }
    }

    @Test
    void underLoadABatchWaitsForCompanionsWhileItsOldestJobIsWithinTheDelay() throws Exception {
        try (DynamicBatcher batcher = batcher(2)) {
            CountDownLatch release = HeldWorker.hold(batcher, DIM);
            CompletableFuture<JobResult> first = submit(batcher);  // arrives while the worker holds a batch
            release.countDown();
            awaitEmptyQueue(batcher);  // the worker took it, and gathers companions for it: the clock stands still
            CompletableFuture<JobResult> second = submit(batcher);
            assertEquals(2, first.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(2, second.get(30, TimeUnit.SECONDS).batchSize());
        }
    }

    @Test
    void jobsThatWaitedTheDelayBehindABusyWorkerRunAtOnceWithWhatIsQueued() throws Exception {
        try (DynamicBatcher batcher = batcher(3)) {
            CountDownLatch release = HeldWorker.hold(batcher, DIM);
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

    @Test
    void aBatchThatFailsOutsideTheEngineCallFailsItsJobsAndTheWorkerGoesOn() throws Exception {
        AtomicBoolean workerDied = new AtomicBoolean();
        InferenceEngine runsOutOfMemoryOnce = new ThrowingOnce(new OutOfMemoryError("Java heap space (test)"));
        try (DynamicBatcher batcher = new DynamicBatcher(runsOutOfMemoryOnce, DIM, WINDOW, new FixedBatching(1, DELAY, 16),
                new ScoringMetrics(new SimpleMeterRegistry()), clock::get, () -> workerDied.set(true))) {
            CompletableFuture<JobResult> failed = submit(batcher);
            CompletableFuture<JobResult> next = submit(batcher);

            ExecutionException failure = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
            assertInstanceOf(ScoringFailure.class, failure.getCause());
            assertEquals(1, next.get(30, TimeUnit.SECONDS).batchSize(), "the worker scored the next batch");
            assertFalse(workerDied.get());
        }
    }

    @Test
    void anErrorTheWorkerCannotRecoverFromFailsEveryJobAndStopsTheServer() throws Exception {
        CountDownLatch workerDied = new CountDownLatch(1);
        InferenceEngine broken = new ThrowingOnce(new NoClassDefFoundError("a class the engine needs (test)"));
        try (DynamicBatcher batcher = new DynamicBatcher(broken, DIM, WINDOW, new FixedBatching(1, DELAY, 16),
                new ScoringMetrics(new SimpleMeterRegistry()), clock::get, workerDied::countDown)) {
            CompletableFuture<JobResult> running = submit(batcher);
            HeldWorker.await(workerDied);
            CompletableFuture<JobResult> afterwards = submit(batcher);

            for (CompletableFuture<JobResult> job : List.of(running, afterwards)) {
                ExecutionException failure = assertThrows(ExecutionException.class,
                        () -> job.get(30, TimeUnit.SECONDS));
                assertTrue(failure.getCause().getMessage().contains("restarting"), failure.getCause().getMessage());
            }
        }
    }

    @Test
    void aBatchOverItsBudgetRunsAsSmallerBatchesInOrder() throws Exception {
        List<Integer> answered = new CopyOnWriteArrayList<>();
        try (DynamicBatcher batcher = new DynamicBatcher(engine.get(), DIM, WINDOW,
                new FixedBatching(4, DELAY, 16).withMaxBatchFloats(2L * DIM),
                new ScoringMetrics(new SimpleMeterRegistry()), clock::get, () -> { })) {
            List<CompletableFuture<JobResult>> jobs = new ArrayList<>();
            List<ScoringJob> request = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int index = i;
                CompletableFuture<JobResult> result = new CompletableFuture<>();
                request.add(new ScoringJob(new float[DIM], 1, r -> {
                    answered.add(index);
                    result.complete(r);
                }, result::completeExceptionally));
                jobs.add(result);
            }
            batcher.submit(request);  // one request, all queued before the worker takes any
            for (CompletableFuture<JobResult> job : jobs) {
                assertEquals(2, job.get(30, TimeUnit.SECONDS).batchSize(), "4 jobs of 512 values, 1024 a call");
            }
            assertEquals(List.of(0, 1, 2, 3), answered);
        }
    }

    private DynamicBatcher batcher(int maxBatchSize) {
        return new DynamicBatcher(engine.get(), DIM, WINDOW, new FixedBatching(maxBatchSize, DELAY, 16),
                new ScoringMetrics(new SimpleMeterRegistry()), clock::get, () -> { });
    }

    /** The real engine, except that its first batch throws the given error. */
    private static final class ThrowingOnce extends ForwardingEngine {
        private final AtomicReference<Error> error;

        ThrowingOnce(Error error) {
            super(engine.get());
            this.error = new AtomicReference<>(error);
        }

        @Override
        public EngineOutput run(EngineInput input) {
            Error once = error.getAndSet(null);
            if (once != null) {
                throw once;
            }
            return super.run(input);
        }
    }

    private static CompletableFuture<JobResult> submit(DynamicBatcher batcher) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        batcher.submit(job(result));
        return result;
    }

    private static ScoringJob job(CompletableFuture<JobResult> result) {
        return new ScoringJob(new float[DIM], 1, result::complete, result::completeExceptionally);
    }

    private static void awaitEmptyQueue(DynamicBatcher batcher) throws InterruptedException {
        for (int tries = 0; batcher.queueDepth() > 0; tries++) {
            assertTrue(tries < 3000, "the worker never took the job");
            Thread.sleep(10);
        }
    }
}
