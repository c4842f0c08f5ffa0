package io.refinevad.operator.reconciler;

import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ScalingSpec;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.scaling.PodLoad;
import io.refinevad.operator.scaling.ScaleDecision;
import io.refinevad.operator.scaling.ScalingBounds;
import io.refinevad.operator.scaling.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one {@link ScalingPolicy} (with its recommendation history) per detector and feeds it what was observed.
 * A new policy, as after an operator restart, starts from the current replica count as its first recommendation,
 * so a restart never shortcuts the scale-down stabilization window.
 *
 * <p>Policies are keyed by the detector's metadata.uid, not its name: a detector deleted and created again under
 * the same name is a new object and must not inherit its predecessor's history (which could hold it up at the old
 * size for a whole window). The reconciler drops a detector's policy when the detector is deleted ({@link #forget}).
 */
public class DetectorScaler {

    /** By metadata.uid. */
    private final Map<String, ScalingPolicy> policies = new ConcurrentHashMap<>();

    public ScaleDecision decide(AnomalyDetector detector, DetectorObservation observation, Instant now) {
        ScalingSpec scaling = detector.getSpec().getScaling();
        ScalingBounds bounds = new ScalingBounds(scaling.getMinReplicas(), scaling.getMaxReplicas(),
                scaling.getTargetStreamsPerReplica(), Duration.ofSeconds(scaling.getScaleDownStabilizationSeconds()),
                detector.getSpec().getReplicas());
        int current = observation.deployment().isPresent() ? observation.currentReplicas() : scaling.getMinReplicas();
        ScalingPolicy policy = policies.computeIfAbsent(detector.getMetadata().getUid(),
                uid -> ScalingPolicy.startingAt(now, current));
        // A draining pod is no longer Ready but still holds streams that will come back elsewhere: count it.
        List<PodLoad> loads = observation.pods().stream()
                .filter(pod -> pod.ready() || pod.load().map(r -> r.getDraining()).orElse(false))
                .map(DetectorScaler::load).toList();
        return policy.decide(now, bounds, current, loads);
    }

    /** Drops a deleted detector's history. */
    public void forget(AnomalyDetector detector) {
        policies.remove(detector.getMetadata().getUid());
    }

    /** How many detectors' histories are kept: one per detector that exists, so it must not only grow. */
    public int trackedDetectors() {
        return policies.size();
    }

    private static PodLoad load(ObservedPod pod) {
        return new PodLoad(pod.name(), pod.load().map(r -> OptionalInt.of(r.getActiveStreams())).orElse(OptionalInt.empty()),
                pod.load().map(r -> r.getDraining()).orElse(false));
    }
}
