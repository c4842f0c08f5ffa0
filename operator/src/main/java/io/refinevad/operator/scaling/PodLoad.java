package io.refinevad.operator.scaling;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One ready scoring pod's load report, as the scaling policy needs it.
 *
 * @param activeStreams empty when the pod did not answer its load report
 */
public record PodLoad(String podName, OptionalInt activeStreams, boolean draining) {

    public PodLoad {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(activeStreams, "activeStreams");
    }

    public boolean answered() {
        return activeStreams.isPresent();
    }
}
