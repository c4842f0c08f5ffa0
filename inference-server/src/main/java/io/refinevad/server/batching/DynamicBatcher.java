package io.refinevad.server.batching;

import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Gathers jobs from every stream and request into padded batches for the engine: a batch closes when it holds
 * max-batch-size jobs or when its oldest job has waited max-queue-delay since it was enqueued (as Triton measures
 * it: a job that already waited while the worker ran the previous batch is not held for another delay). One worker
 * thread runs the batches, so results come back in acceptance order, which keeps each stream's answers in sequence
 * order.
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
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueue;
    private final long maxBatchFloats;
    private final BlockingQueue<Enqueued> queue;
    private final Thread worker;
    private final Runnable onWorkerDeath;
    private volatile boolean running = true;
    private volatile ScoringFailure death;

    /**
     * A job, when it entered the queue (the start of its max-queue-delay and of its queue time), and whether it was
     * answered, so that a batch that fails half way answers each of its jobs exactly once.
     */
    private static final class Enqueued {
        final ScoringJob job;
        final long enqueuedNanos;
        boolean answered;

        Enqueued(ScoringJob job, long enqueuedNanos) {
            this.job = job;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /**
     * @param onWorkerDeath called once if the worker stops for good (see the class comment), on the worker's thread
     */
    public DynamicBatcher(InferenceEngine engine, int featureDim, BatchingConfig config, BatchListener listener,
                          NanoClock clock, Runnable onWorkerDeath) {
        this.engine = engine;
        this.listener = listener;
        this.clock = clock;
        this.featureDim = featureDim;
        this.maxBatch = config.maxBatchSize();
        this.maxDelayNanos = config.maxQueueDelay().toNanos();
        this.maxQueue = config.maxQueueSize();
        this.maxBatchFloats = config.maxBatchFloats();
        this.onWorkerDeath = onWorkerDeath;
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.worker = new Thread(this::runBatches, "refinevad-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Accepts a job or throws QueueFullException; an accepted job is always answered (at once with a failure if the
     * worker has stopped for good).
     */
    public void submit(ScoringJob job) {
        if (!queue.offer(new Enqueued(job, clock.nanoTime()))) {
            throw new QueueFullException(maxQueue);
        }
        if (death != null) {
            failQueued(death);  // the worker is gone: nobody else will take it off the queue
        }
    }

    public int queueDepth() {
        return queue.size();
    }

    private void runBatches() {
        List<Enqueued> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Enqueued oldest = queue.poll(100, TimeUnit.MILLISECONDS);
                if (oldest == null) {
                    continue;
                }
                batch.add(oldest);
                long deadline = oldest.enqueuedNanos + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    long wait = deadline - clock.nanoTime();
                    Enqueued next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                runWithinBudget(batch);
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

    /** Runs the batch, split in order into halves while it holds more feature values than one call may take. */
    private void runWithinBudget(List<Enqueued> batch) {
        if (batch.size() > 1 && (long) batch.size() * longest(batch) * featureDim > maxBatchFloats) {
            int half = batch.size() / 2;
            runWithinBudget(batch.subList(0, half));
            runWithinBudget(batch.subList(half, batch.size()));
            return;
        }
        run(batch);
    }

    private static int longest(List<Enqueued> batch) {
        return batch.stream().mapToInt(e -> e.job.length()).max().orElseThrow();
    }

    private void run(List<Enqueued> batch) {
        int size = batch.size();
        int time = longest(batch);
        // toIntExact: a size past what an array can hold fails this batch clearly instead of wrapping around.
        float[] features = new float[Math.toIntExact((long) size * time * featureDim)];
        float[] mask = new float[Math.toIntExact((long) size * time)];
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
            return;
        }
        long inferenceMicros = (clock.nanoTime() - start) / 1000;
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
        for (Enqueued queued = queue.poll(); queued != null; queued = queue.poll()) {
            Enqueued job = queued;
            answer(job, () -> job.job.onFailure().accept(failure));
        }
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

    /** Stops taking new batches once the queue is empty; accepted jobs are still answered. */
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
