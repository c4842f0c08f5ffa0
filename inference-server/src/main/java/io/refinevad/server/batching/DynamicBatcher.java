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
 */
public final class DynamicBatcher implements AutoCloseable {
    private final InferenceEngine engine;
    private final BatchListener listener;
    private final NanoClock clock;
    private final int featureDim;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxQueue;
    private final BlockingQueue<Enqueued> queue;
    private final Thread worker;
    private volatile boolean running = true;

    /** A job and when it entered the queue, the start of its max-queue-delay and of its queue time. */
    private record Enqueued(ScoringJob job, long enqueuedNanos) {
    }

    public DynamicBatcher(InferenceEngine engine, int featureDim, BatchingConfig config, BatchListener listener,
                          NanoClock clock) {
        this.engine = engine;
        this.listener = listener;
        this.clock = clock;
        this.featureDim = featureDim;
        this.maxBatch = config.maxBatchSize();
        this.maxDelayNanos = config.maxQueueDelay().toNanos();
        this.maxQueue = config.maxQueueSize();
        this.queue = new ArrayBlockingQueue<>(maxQueue);
        this.worker = new Thread(this::runBatches, "refinevad-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Accepts a job or throws QueueFullException; an accepted job is always answered. */
    public void submit(ScoringJob job) {
        if (!queue.offer(new Enqueued(job, clock.nanoTime()))) {
            throw new QueueFullException(maxQueue);
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
                long deadline = oldest.enqueuedNanos() + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    long wait = deadline - clock.nanoTime();
                    Enqueued next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Enqueued> batch) {
        int size = batch.size();
        int time = batch.stream().mapToInt(e -> e.job().length()).max().orElseThrow();
        float[] features = new float[size * time * featureDim];
        float[] mask = new float[size * time];
        for (int row = 0; row < size; row++) {
            ScoringJob job = batch.get(row).job();
            System.arraycopy(job.features(), 0, features, row * time * featureDim, job.length() * featureDim);
            Arrays.fill(mask, row * time, row * time + job.length(), 1f);
        }
        long start = clock.nanoTime();
        EngineOutput output;
        try {
            output = engine.run(new EngineInput(size, time, featureDim, features, mask));
        } catch (RuntimeException e) {
            ScoringFailure failure = ScoringFailure.engineFailed(e, size);
            batch.forEach(queued -> deliver(() -> queued.job().onFailure().accept(failure)));
            return;
        }
        long inferenceMicros = (clock.nanoTime() - start) / 1000;
        listener.batchRan(size, inferenceMicros);
        float[][] scoresByRow = new float[size][];
        int nonFinite = 0;
        for (int row = 0; row < size; row++) {
            int length = batch.get(row).job().length();
            scoresByRow[row] = Arrays.copyOfRange(output.scores(), row * time, row * time + length);
            if (!allFinite(scoresByRow[row]) || !allFinite(output.probs(row))) {
                scoresByRow[row] = null;
                nonFinite++;
            }
        }
        // Found before any delivery, so that one log line covers the batch and each job is still answered in order.
        ScoringFailure nonFiniteOutput = nonFinite == 0 ? null : ScoringFailure.nonFiniteOutput(nonFinite, size);
        for (int row = 0; row < size; row++) {
            ScoringJob job = batch.get(row).job();
            float[] scores = scoresByRow[row];
            if (scores == null) {
                deliver(() -> job.onFailure().accept(nonFiniteOutput));
                continue;
            }
            long enqueued = batch.get(row).enqueuedNanos();
            JobResult result = new JobResult(scores, output.probs(row), (start - enqueued) / 1000, inferenceMicros,
                    size);
            listener.jobAnswered(result.queueMicros(), (clock.nanoTime() - enqueued) / 1000);
            deliver(() -> job.onResult().accept(result));
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

    /** A caller's callback must not stop the worker that every other stream depends on. */
    private static void deliver(Runnable callback) {
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
