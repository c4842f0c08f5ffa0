package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.refinevad.api.v1.LoadReport;
import java.util.Optional;

/** A scoring pod as the operator saw it in this pass: the object, whether it is Ready, and its load report. */
public record ObservedPod(Pod pod, boolean ready, Optional<LoadReport> load) {

    public String name() {
        return pod.getMetadata().getName();
    }
}
