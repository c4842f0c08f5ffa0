package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * Everything the operator observed about one detector before deciding: its scoring Deployment and pods, and its
 * gateway's Deployment (none while the gateway is disabled, or not yet created).
 */
public record DetectorObservation(Optional<Deployment> deployment, List<ObservedPod> pods,
        Optional<Deployment> gateway) {

    public int currentReplicas() {
        return deployment.map(d -> d.getSpec().getReplicas()).orElse(0);
    }

    public int readyPods() {
        return (int) pods.stream().filter(ObservedPod::ready).count();
    }

    /** The gateway pods that are Ready, as the gateway Deployment's status counts them. */
    public int readyGatewayPods() {
        return gateway.map(d -> d.getStatus() == null ? null : d.getStatus().getReadyReplicas()).orElse(0);
    }

    public int activeStreams() {
        return pods.stream().flatMap(p -> p.load().stream()).mapToInt(r -> r.getActiveStreams()).sum();
    }

    public int streamCapacity() {
        return pods.stream().flatMap(p -> p.load().stream())
                .filter(r -> !r.getDraining())
                .mapToInt(r -> r.getStreamCapacity()).sum();
    }
}
