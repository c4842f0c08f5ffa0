package io.refinevad.operator.scaling;

import java.time.Duration;
import java.util.Objects;

/**
 * One detector's scaling settings, read from its spec on every pass.
 *
 * @param fixedReplicas the count pinned by spec.replicas (the scale subresource), or null to scale on streams
 */
public record ScalingBounds(int minReplicas, int maxReplicas, int targetStreamsPerReplica,
        Duration scaleDownStabilization, Integer fixedReplicas) {

    public ScalingBounds {
        Objects.requireNonNull(scaleDownStabilization, "scaleDownStabilization");
        if (minReplicas < 0 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("need 0 <= minReplicas <= maxReplicas, got " + minReplicas + ".."
                    + maxReplicas);
        }
        if (targetStreamsPerReplica < 1) {
            throw new IllegalArgumentException("targetStreamsPerReplica must be at least 1, got "
                    + targetStreamsPerReplica);
        }
        if (scaleDownStabilization.isNegative()) {
            throw new IllegalArgumentException("scaleDownStabilization must not be negative, got "
                    + scaleDownStabilization);
        }
        if (fixedReplicas != null && fixedReplicas < 0) {
            throw new IllegalArgumentException("fixedReplicas must not be negative, got " + fixedReplicas);
        }
    }

    int clamp(int replicas) {
        return Math.max(minReplicas, Math.min(maxReplicas, replicas));
    }
}
