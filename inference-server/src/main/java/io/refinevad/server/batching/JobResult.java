package io.refinevad.server.batching;

import io.refinevad.api.v1.Timing;

/** A job's scores [length], its category probabilities, and where its time went. */
public record JobResult(float[] scores, float[] probs, long queueMicros, long inferenceMicros, int batchSize) {

    public float lastScore() {
        return scores[scores.length - 1];
    }

    /**
     * The answer's timing as scoring.proto defines it, for every RPC alike: total_micros runs from `receivedNanos`,
     * when the request or message carrying the job arrived, to `readyNanos`, when its answer is ready to send.
     */
    public Timing timing(long receivedNanos, long readyNanos) {
        return Timing.newBuilder()
                .setQueueMicros(queueMicros)
                .setInferenceMicros(inferenceMicros)
                .setTotalMicros((readyNanos - receivedNanos) / 1000)
                .setBatchSize(batchSize)
                .build();
    }
}
