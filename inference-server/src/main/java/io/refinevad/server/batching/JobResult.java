package io.refinevad.server.batching;

/** A job's scores [length], its category probabilities, and where its time went. */
public record JobResult(float[] scores, float[] probs, long queueMicros, long inferenceMicros, int batchSize) {

    public float lastScore() {
        return scores[scores.length - 1];
    }
}
