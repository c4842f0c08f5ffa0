package io.refinevad.server.batching;

import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gathers jobs from every stream and request into padded batches for the engine. Jobs wait in one of two queues:
 * windows (jobs no longer than the model's window W: every stream window, and OIP rows and clips that short) and
 * long clips. A batch comes from one queue only, so a window is never padded to a long clip's length (attention is
 * quadratic in it) nor waits behind a queue of them; which queue goes next is LaneScheduler's choice (windows first,
 * clips a bounded share). A batch closes when it holds max-batch-size jobs, when the next job would take it past
 * what one engine call may take (CallBudget), or when its oldest job has waited max-queue-delay since it was
 * enqueued (as Triton measures it: a job that already waited while the worker ran the previous batch is not held for
 * another delay). One worker thread runs the batches, so each queue's results come back in acceptance order, which
 * keeps each stream's answers in sequence order (all of a stream's windows are in the windows queue).
 *
 * <p>An idle batcher does not wait for company: a request that arrives while the worker holds no batch (none being
 * gathered, run or answered) and nothing else waits goes to the engine at once, with whatever is queued by the time
 * the worker takes it. The delay only pays where companions are likely, under load: work that arrives while the
 * worker holds a batch accumulates into the next one and may wait the delay for more. Without this, a lone camera
 * or a client at concurrency 1 waited the whole delay on every request for companions that never came.
 *
 * <p>What waits is bounded in bytes and in attention cost as well as in jobs, per queue (Lane) and per request: work
 * beyond a budget is refused at once with QueueFullException, whose message names the limit and its property.
 *
 * <p>The worker is supervised: whatever fails while it runs a batch (the engine, an allocation, even an
 * OutOfMemoryError) fails that batch's unanswered jobs and the worker goes on with the next. Only an Error it cannot
 * recover from (a JVM or linkage error) stops it; it then fails every job it holds, refuses new ones, and tells the
 * server, which stops reporting SERVING and exits so that the pod restarts. Without that, the server hung with health
 * SERVING and nobody scored.
 */
public final class DynamicBatcher implements AutoCloseable {
    private final InferenceEngine engine;
    private final BatchListener listener;
    private final NanoClock clock;
    private final int featureDim;
    private final int window;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final long maxRequestAttention;
    private final CallBudget callBudget;
    private final LaneScheduler scheduler;
    private final BurstMemoryRelease memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Lane windows;
    private final Lane clips;
    private final Thread worker;
    private final Runnable onWorkerDeath;
    /** Whether the worker holds a batch: from taking its first job until it comes back for the next. */
    private boolean holdingBatch;
    private volatile boolean running = true;
    private volatile ScoringFailure death;

    /**
     * @param window the model's window W: jobs up to this long are windows, longer ones clips
     * @param onWorkerDeath called once if the worker stops for good (see the class comment), on the worker's thread
     */
    public DynamicBatcher(InferenceEngine engine, int featureDim, int window, BatchingConfig config,
                          BatchListener listener, NanoClock clock, Runnable onWorkerDeath) {
        this.engine = engine;
        this.listener = listener;
        this.clock = clock;
        this.featureDim = featureDim;
        this.window = window;
        this.maxBatch = config.maxBatchSize();
        this.maxDelayNanos = config.maxQueueDelay().toNanos();
        this.maxRequestAttention = config.maxRequestAttention();
        this.callBudget = new CallBudget(featureDim, config.maxBatchFloats(), config.maxBatchAttention());
        this.scheduler = new LaneScheduler(config.clipShare());
        this.memory = new BurstMemoryRelease(engine, clock);
        this.windows = new Lane("windows", config.maxQueueSize(), config.maxQueueBytes(), config.maxQueueAttention());
        this.clips = new Lane("long clips", config.maxQueueSize(), config.maxQueueBytes(),
                config.maxQueueAttention());
        this.onWorkerDeath = onWorkerDeath;
        this.worker = new Thread(this::runBatches, "refinevad-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** One job: see {@link #submit(List)}. */
    public void submit(ScoringJob job) {
        submit(List.of(job));
    }

    /**
     * Accepts every job of one request, or none of them (QueueFullException, when the request or a queue is over
     * its budget). An accepted job is always answered (at once with a failure if the worker has stopped for good).
     */
    public void submit(List<ScoringJob> request) {
        long now = clock.nanoTime();
        List<Enqueued> newWindows = new ArrayList<>();
        List<Enqueued> newClips = new ArrayList<>();
        long attention = 0;
        for (ScoringJob job : request) {
            Enqueued queued = new Enqueued(job, featureDim, now);
            attention = WorkSize.sum(attention, queued.attention);
            (job.length() <= window ? newWindows : newClips).add(queued);
        }
        if (attention > maxRequestAttention) {
            throw new QueueFullException("this request's attention cost is " + attention + " (the sum of each"
                    + " clip's segments^2); one request may bring at most " + maxRequestAttention
                    + " (refinevad.batching.max-request-attention): send shorter clips, or fewer in one request");
        }
        lock.lock();
        try {
            windows.requireRoom(newWindows);
            clips.requireRoom(newClips);
            boolean idle = !holdingBatch && windows.isEmpty() && clips.isEmpty();
            long companionsUntil = idle ? now : now + maxDelayNanos;
            newWindows.forEach(queued -> queued.companionsUntilNanos = companionsUntil);
            newClips.forEach(queued -> queued.companionsUntilNanos = companionsUntil);
            newWindows.forEach(windows::add);
            newClips.forEach(clips::add);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (death != null) {
            failQueued(death);  // the worker is gone: nobody else will take it off the queue
        }
    }

    public int queueDepth() {
        lock.lock();
        try {
            return windows.size() + clips.size();
        } finally {
            lock.unlock();
        }
    }

    private void runBatches() {
        List<Enqueued> batch = new ArrayList<>(maxBatch);
        while (running || queueDepth() > 0) {
            try {
                memory.releaseIfBurstOver();
                boolean ofClips = takeBatch(batch);
                if (!batch.isEmpty()) {
                    scheduler.ran(ofClips, run(batch));
                    if (ofClips) {
                        memory.clipBatchRan();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | OutOfMemoryError e) {
                // Outside the engine call (which fails its batch itself): an allocation, a listener. The batch's
                // arrays are garbage now, so the next batch has the memory back.
                failUnanswered(batch, ScoringFailure.batchFailed(e, batch.size()));
            } catch (Error e) {
                stopForGood(batch, e);
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Fills `batch` from the queue the scheduler picks and says whether it is of clips; leaves it empty when no job
     * came within 100 ms.
     */
    private boolean takeBatch(List<Enqueued> batch) throws InterruptedException {
        lock.lock();
        try {
            holdingBatch = false;  // the previous batch, if any, has been answered
            if (windows.isEmpty() && clips.isEmpty() && !arrived.await(100, TimeUnit.MILLISECONDS)) {
                return false;
            }
            if (windows.isEmpty() && clips.isEmpty()) {
                return false;
            }
            boolean ofClips = scheduler.clipsNext(!windows.isEmpty(), !clips.isEmpty());
            Lane lane = ofClips ? clips : windows;
            Enqueued oldest = lane.poll();
            holdingBatch = true;
            batch.add(oldest);
            int longest = oldest.job.length();
            long deadline = oldest.companionsUntilNanos;
            // Full when not even one more job as long as the longest would fit: waiting for companions is pointless.
            while (batch.size() < maxBatch && callBudget.fits(batch.size() + 1, longest)) {
                Enqueued next = lane.peek();
                if (next == null) {
                    long wait = deadline - clock.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    arrived.awaitNanos(wait);
                    continue;
                }
                int time = Math.max(longest, next.job.length());
                if (!callBudget.fits(batch.size() + 1, time)) {
                    break;  // it starts the next batch
                }
                batch.add(lane.poll());
                longest = time;
            }
            return ofClips;
        } finally {
            lock.unlock();
        }
    }

    private static int longest(List<Enqueued> batch) {
        return batch.stream().mapToInt(e -> e.job.length()).max().orElseThrow();
    }

    /** Runs a batch and answers its jobs; returns the nanoseconds the engine took. */
    private long run(List<Enqueued> batch) {
        int size = batch.size();
        int time = longest(batch);
        // CallBudget keeps a batch within an array; toIntExact fails a lone job past it clearly, never wrapping.
        float[] features = new float[Math.toIntExact(WorkSize.batchFloats(size, time, featureDim))];
        float[] mask = new float[Math.toIntExact(WorkSize.product(size, time))];
        for (int row = 0; row < size; row++) {
            ScoringJob job = batch.get(row).job;
            System.arraycopy(job.features(), 0, features, row * time * featureDim, job.length() * featureDim);
            Arrays.fill(mask, row * time, row * time + job.length(), 1f);
        }
        long start = clock.nanoTime();
        EngineOutput output;
        try {
            output = engine.run(new EngineInput(size, time, featureDim, features, mask));
        } catch (RuntimeException e) {
            failUnanswered(batch, ScoringFailure.engineFailed(e, size));
            return clock.nanoTime() - start;
        }
        long engineNanos = clock.nanoTime() - start;
        long inferenceMicros = engineNanos / 1000;
        listener.batchRan(size, inferenceMicros);
        float[][] scoresByRow = new float[size][];
        int nonFinite = 0;
        for (int row = 0; row < size; row++) {
            int length = batch.get(row).job.length();
            scoresByRow[row] = Arrays.copyOfRange(output.scores(), row * time, row * time + length);
            if (!allFinite(scoresByRow[row]) || !allFinite(output.probs(row))) {
                scoresByRow[row] = null;
                nonFinite++;
            }
        }
        // Found before any delivery, so that one log line covers the batch and each job is still answered in order.
        ScoringFailure nonFiniteOutput = nonFinite == 0 ? null : ScoringFailure.nonFiniteOutput(nonFinite, size);
        for (int row = 0; row < size; row++) {
            Enqueued queued = batch.get(row);
            float[] scores = scoresByRow[row];
            if (scores == null) {
                answer(queued, () -> queued.job.onFailure().accept(nonFiniteOutput));
                continue;
            }
            JobResult result = new JobResult(scores, output.probs(row), (start - queued.enqueuedNanos) / 1000,
                    inferenceMicros, size);
            listener.jobAnswered(result.queueMicros(), (clock.nanoTime() - queued.enqueuedNanos) / 1000);
            answer(queued, () -> queued.job.onResult().accept(result));
        }
        return engineNanos;
    }

    private static void failUnanswered(List<Enqueued> batch, ScoringFailure failure) {
        for (Enqueued queued : batch) {
            if (!queued.answered) {
                answer(queued, () -> queued.job.onFailure().accept(failure));
            }
        }
    }

    /** The worker cannot go on: fail what it holds and what is queued, refuse what comes, and tell the server. */
    private void stopForGood(List<Enqueued> batch, Error cause) {
        death = ScoringFailure.workerDied(cause);
        failUnanswered(batch, death);
        failQueued(death);
        onWorkerDeath.run();
    }

    private void failQueued(ScoringFailure failure) {
        List<Enqueued> queued = new ArrayList<>();
        lock.lock();
        try {
            for (Lane lane : List.of(windows, clips)) {
                for (Enqueued job = lane.poll(); job != null; job = lane.poll()) {
                    queued.add(job);
                }
            }
        } finally {
            lock.unlock();
        }
        // Answered outside the lock: a callback may submit again, and nothing else waits for it.
        failUnanswered(queued, failure);
    }

    private static boolean allFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /** Answers a job once. A caller's callback must not stop the worker that every other stream depends on. */
    private static void answer(Enqueued queued, Runnable callback) {
        queued.answered = true;
        try {
            callback.run();
        } catch (RuntimeException e) {
            Log.error("a scoring callback failed", e);
        }
    }

    /** Stops taking new batches once the queues are empty; accepted jobs are still answered. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
