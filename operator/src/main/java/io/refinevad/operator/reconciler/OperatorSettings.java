package io.refinevad.operator.reconciler;

import io.refinevad.operator.ProductImages;
import io.refinevad.operator.dependent.OperatorPods;
import java.time.Duration;
import java.util.Optional;

/**
 * How often the operator polls each detector's pods for their load, and how long one pod may take to answer.
 * The poll interval bounds how quickly a stream surge turns into new pods. The operator's own pods, when it knows
 * them, are the only ones the detectors' NetworkPolicies let reach the scoring pods' admin port. The images are
 * where the scoring pods' server and model fetcher come from (a detector may name its own server image).
 */
public record OperatorSettings(Duration pollInterval, Duration loadReportTimeout,
        Optional<OperatorPods> operatorPods, ProductImages images) {

    /** An operator that does not run as a known pod (in tests, or outside the cluster), with the images as built. */
    public OperatorSettings(Duration pollInterval, Duration loadReportTimeout) {
        this(pollInterval, loadReportTimeout, Optional.empty(), ProductImages.AS_BUILT);
    }
}
