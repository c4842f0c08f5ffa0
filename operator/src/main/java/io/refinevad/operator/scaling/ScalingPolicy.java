package io.refinevad.operator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides how many scoring pods one AnomalyDetector runs: ceil(active streams / target per replica), within the bounds.
 *
 * <p>Scale-up applies at once. Scale-down follows the Kubernetes HPA's scale-down stabilization: the detector never
 * shrinks below the highest recommendation of the last {@code scaleDownStabilization}, so a short dip changes nothing
 * and a flapping stream count causes no churn. The caller keeps one instance per detector (it holds that history),
 * passes the time in, and calls it from one thread at a time, as a reconciler does for one resource.
 */
public final class ScalingPolicy {

    private final RecommendationHistory history = new RecommendationHistory();
    /** Each listed pod's last answered stream count; a pod that leaves the list is forgotten, so this stays bounded. */
    private final Map<String, Integer> lastAnswers = new HashMap<>();

    private ScalingPolicy() {
    }

    /**
     * A policy that counts the running replicas as a recommendation made now, so that a new policy (after an operator
     * restart, say) waits a full window before its first scale-down, like one that had been running all along.
     */
    public static ScalingPolicy startingAt(Instant now, int currentReplicas) {
        ScalingPolicy policy = new ScalingPolicy();
        policy.history.record(now, currentReplicas);
        return policy;
    }

    /**
     * @param now the time of this pass; it must not go back between calls
     * @param pods the detector's ready pods, each with its load report or none
     */
    public ScaleDecision decide(Instant now, ScalingBounds bounds, int currentReplicas, List<PodLoad> pods) {
        StreamTotal streams = StreamTotal.over(pods, pod -> estimateSilentPod(pod, bounds));
        rememberAnswers(pods);
        Recommendation recommendation = Recommendation.of(streams, bounds, currentReplicas);
        Duration window = bounds.scaleDownStabilization();
        // Recorded even while the count is pinned: when the pin is lifted, the streams seen meanwhile decide.
        history.prune(now, window);
        history.record(now, recommendation.replicas());

        if (bounds.fixedReplicas() != null) {
            return ScaleDecision.relativeTo(currentReplicas, bounds.fixedReplicas(),
                    Plural.of(bounds.fixedReplicas(), "replica") + " fixed by spec.replicas / the scale subresource");
        }
        if (recommendation.replicas() >= currentReplicas) {
            return ScaleDecision.relativeTo(currentReplicas, recommendation.replicas(), recommendation.explanation());
        }
        // Clamped again because the bounds may have changed since the window's highest recommendation was made.
        int allowed = bounds.clamp(history.highest());
        if (allowed >= currentReplicas) {
            Instant heldUntil = history.newestAtLeast(currentReplicas).plus(window);
            return ScaleDecision.relativeTo(currentReplicas, currentReplicas, recommendation.explanation()
                    + "; scale-down to " + recommendation.replicas() + " held until " + heldUntil + " by the "
                    + window.toSeconds() + " s stabilization window (max recommendation " + allowed + ")");
        }
        if (allowed > recommendation.replicas()) {
            return ScaleDecision.relativeTo(currentReplicas, allowed, recommendation.explanation() + ", but the "
                    + window.toSeconds() + " s stabilization window keeps " + allowed);
        }
        return ScaleDecision.relativeTo(currentReplicas, allowed, recommendation.explanation());
    }

    /**
     * A pod that does not answer may still hold streams. Its last answer is the best guess; a pod that never answered
     * counts as full at the target, which weighs exactly one replica: silent pods then neither cause nor hide a
     * scale-up, which comes only from the answering pods' load.
     */
    private int estimateSilentPod(PodLoad pod, ScalingBounds bounds) {
        return lastAnswers.getOrDefault(pod.podName(), bounds.targetStreamsPerReplica());
    }

    private void rememberAnswers(List<PodLoad> pods) {
        Set<String> listed = pods.stream().map(PodLoad::podName).collect(Collectors.toSet());
        lastAnswers.keySet().retainAll(listed);
        for (PodLoad pod : pods) {
            pod.activeStreams().ifPresent(streams -> lastAnswers.put(pod.podName(), streams));
        }
    }

    int recommendationsKept() {
        return history.size();
    }

    int podsRemembered() {
        return lastAnswers.size();
    }
}
