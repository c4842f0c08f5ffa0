package io.refinevad.operator.policy;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Where a detector's scoring pods may run, as the platform team defines it under a name that detectors choose with
 * spec.runtime.placement: the node labels they select and the taints they tolerate. A tenant names a placement and
 * cannot write either (a toleration of every taint with a control-plane node selector would put them beside the
 * API server).
 */
public record Placement(Map<String, String> nodeSelector, List<Toleration> tolerations) {

    /** No placement named: any node without a taint. */
    public static final Placement ANYWHERE = new Placement(Map.of(), List.of());

    public Placement {
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    }
}
