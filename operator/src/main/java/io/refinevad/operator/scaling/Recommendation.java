package io.refinevad.operator.scaling;

/** The replica count this pass's streams call for, within the bounds, with how it was reached. */
record Recommendation(int replicas, String explanation) {

    static Recommendation of(StreamTotal streams, ScalingBounds bounds, int currentReplicas) {
        int perReplica = bounds.targetStreamsPerReplica();
        int needed = (streams.total() + perReplica - 1) / perReplica;
        // A pod that does not answer is no evidence of less load: missing data may hold or grow the detector, never
        // shrink it. Only the bounds can (lowering maxReplicas is an explicit order).
        if (streams.silentPods() > 0 && needed < currentReplicas) {
            return bounded(currentReplicas, bounds, streams.silentPods() + " of " + streams.pods() + " pods did not answer "
                    + (streams.silentPods() == 1 ? "its load report" : "their load reports") + ": not scaling down");
        }
        return bounded(needed, bounds, streams.describe() + " / " + perReplica + " per replica = "
                + Plural.of(needed, "replica"));
    }

    private static Recommendation bounded(int wanted, ScalingBounds bounds, String explanation) {
        int replicas = bounds.clamp(wanted);
        if (replicas > wanted) {
            return new Recommendation(replicas, explanation + ", raised to minReplicas " + bounds.minReplicas());
        }
        if (replicas < wanted) {
            return new Recommendation(replicas, explanation + ", capped at maxReplicas " + bounds.maxReplicas());
        }
        return new Recommendation(replicas, explanation);
    }
}
