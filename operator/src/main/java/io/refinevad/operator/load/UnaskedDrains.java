package io.refinevad.operator.load;

import java.util.List;

/**
 * Which pods drain although nobody asked them to. The operator never drains a pod itself: it scales down by
 * shrinking the Deployment, and a pod that Kubernetes deletes drains on SIGTERM, with a deletion timestamp already
 * set. So a pod that reports draining while it is not being deleted was drained by someone else (anyone who reached
 * its admin port), and nothing would ever undo it: it would hold no streams and take none, for good.
 */
public final class UnaskedDrains {
    private UnaskedDrains() {
    }

    public static List<ObservedPod> in(DetectorObservation observation) {
        return observation.pods().stream()
                .filter(pod -> pod.pod().getMetadata().getDeletionTimestamp() == null)
                .filter(pod -> pod.load().map(report -> report.getDraining()).orElse(false))
                .toList();
    }
}
