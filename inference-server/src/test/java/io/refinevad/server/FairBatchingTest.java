package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.QueueFullException;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.metrics.ScoringMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Windows and long clips in one batcher, on the real engine: a window is never batched with long clips nor padded
 * to their length, and what waits is bounded per queue and per request, with messages that name the limit. The
 * worker is held in a first job's answer while the others queue up, and no batch waits for companions, so what
 * each batch holds does not depend on timing.
 */
class FairBatchingTest {
    private static final int DIM = 512;
    private static final int WINDOW = 32;
    private static final int CLIP = 100;
    /** No wait for companions: a batch takes what its queue holds when the worker comes to it. */
    private static final Duration DELAY = Duration.ZERO;
    @RegisterExtension
    static final DefaultModelEngine engine = new DefaultModelEngine();

    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Test
    void aWindowSubmittedWhileLongClipsWaitIsBatchedWithoutThemAndNotPaddedToThem() throws Exception {
        try (DynamicBatcher batcher = batcher(new FixedBatching(32, DELAY, 16))) {
            CountDownLatch release = HeldWorker.hold(batcher, DIM);
            CompletableFuture<JobResult> firstClip = submit(batcher, CLIP);
            CompletableFuture<JobResult> secondClip = submit(batcher, CLIP);
            CompletableFuture<JobResult> window = submit(batcher, WINDOW);
            release.countDown();

            assertEquals(1, window.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(2, firstClip.get(30, TimeUnit.SECONDS).batchSize());
            assertEquals(2, secondClip.get(30, TimeUnit.SECONDS).batchSize());
            // The engine's calls as jobs x padded length: the held job, the window alone at its own length, first
            // (windows go first), then the two clips together.
            assertEquals(List.of("1x1", "1x" + WINDOW, "2x" + CLIP), calls);
        }
    }

    @Test
    void workBeyondTheQueuesBytesIsRefusedWithTheLimitAndItsProperty() throws Exception {
        long twoClips = 2L * CLIP * DIM * Float.BYTES;
        try (DynamicBatcher batcher = batcher(new FixedBatching(32, DELAY, 16).withMaxQueueBytes(twoClips))) {
            CountDownLatch release = HeldWorker.hold(batcher, DIM);
            submit(batcher, CLIP);
            submit(batcher, CLIP);
            QueueFullException refused = assertThrows(QueueFullException.class, () -> submit(batcher, CLIP));
            assertTrue(refused.getMessage().contains("the long clips queue is full: " + twoClips
                    + " bytes of features wait and this request brings " + CLIP * DIM * Float.BYTES + "; at most "
                    + twoClips + " may (refinevad.batching.max-queue-bytes)"), refused.getMessage());
            submit(batcher, WINDOW);  // the windows' queue has its own budget
            release.countDown();
        }
    }

    @Test
    void workBeyondTheQueuesAttentionIsRefusedWithTheLimitAndItsProperty() throws Exception {
        long oneClip = (long) CLIP * CLIP;
        try (DynamicBatcher batcher = batcher(new FixedBatching(32, DELAY, 16).withMaxQueueAttention(oneClip))) {
            CountDownLatch release = HeldWorker.hold(batcher, DIM);
            submit(batcher, CLIP);
            QueueFullException refused = assertThrows(QueueFullException.class, () -> submit(batcher, CLIP));
            assertTrue(refused.getMessage().contains("at most " + oneClip
                    + " may (refinevad.batching.max-queue-attention)"), refused.getMessage());
            release.countDown();
        }
    }

    @Test
    void aRequestBeyondItsAttentionBudgetIsRefusedWholeWithTheLimitAndItsProperty() throws Exception {
        long limit = (long) CLIP * CLIP;
        try (DynamicBatcher batcher = batcher(new FixedBatching(1, DELAY, 16).withMaxRequestAttention(limit))) {
            List<ScoringJob> twoClips = List.of(job(CLIP, new CompletableFuture<>()),
                    job(CLIP, new CompletableFuture<>()));
            QueueFullException refused = assertThrows(QueueFullException.class, () -> batcher.submit(twoClips));
            assertEquals("this request's attention cost is " + 2 * limit + " (the sum of each clip's segments^2);"
                    + " one request may bring at most " + limit + " (refinevad.batching.max-request-attention):"
                    + " send shorter clips, or fewer in one request", refused.getMessage());
            assertEquals(0, batcher.queueDepth(), "none of the request's clips was queued");
            assertEquals(1, submit(batcher, CLIP).get(30, TimeUnit.SECONDS).batchSize(), "one clip fits");
        }
    }

    @Test
    void theEngineGivesBackItsCachedMemoryOnceWhenABurstOfClipsIsOver() throws Exception {
        AtomicLong now = new AtomicLong();
        try (DynamicBatcher batcher = new DynamicBatcher(new Recording(), DIM, WINDOW,
                new FixedBatching(32, DELAY, 16), new ScoringMetrics(new SimpleMeterRegistry()), now::get,
                () -> { })) {
            submit(batcher, CLIP).get(30, TimeUnit.SECONDS);
            submit(batcher, WINDOW).get(30, TimeUnit.SECONDS);
            assertFalse(calls.contains("release"), "not while more clips may come: " + calls);
            now.addAndGet(Duration.ofSeconds(2).toNanos());  // a second without clips is the end of the burst
            for (int tries = 0; !calls.contains("release"); tries++) {
                assertTrue(tries < 300, "the batcher never gave the memory back: " + calls);
                Thread.sleep(100);
            }
            submit(batcher, WINDOW).get(30, TimeUnit.SECONDS);
            now.addAndGet(Duration.ofSeconds(2).toNanos());
            submit(batcher, WINDOW).get(30, TimeUnit.SECONDS);
            assertEquals(1, calls.stream().filter("release"::equals).count(), "once per burst: " + calls);
        }
    }

    private DynamicBatcher batcher(FixedBatching config) {
        return new DynamicBatcher(new Recording(), DIM, WINDOW, config,
                new ScoringMetrics(new SimpleMeterRegistry()), System::nanoTime, () -> { });
    }

    private static CompletableFuture<JobResult> submit(DynamicBatcher batcher, int length) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        batcher.submit(job(length, result));
        return result;
    }

    private static ScoringJob job(int length, CompletableFuture<JobResult> result) {
        return new ScoringJob(new float[length * DIM], length, result::complete, result::completeExceptionally);
    }

    /** The real engine, recording each call's shape and each request to give its cached memory back. */
    private final class Recording extends ForwardingEngine {
        Recording() {
            super(engine.get());
        }

        @Override
        public EngineOutput run(EngineInput input) {
            calls.add(input.batch() + "x" + input.time());
            return super.run(input);
        }

        @Override
        public void releaseCachedMemory() {
            calls.add("release");
        }
    }
}
