package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.Optional;

/**
 * Channels to a scoring pod's admin plane (refinevad.v1.Admin), dialled at the pod's own address: no Service exposes
 * the admin port, so that the cameras that reach the detector cannot drain its pods.
 */
final class AdminChannels {
    private AdminChannels() {
    }

    /** A channel to the pod's admin port, or none while the pod has no address. The caller shuts it down. */
    static Optional<ManagedChannel> open(Pod pod, int port) {
        String address = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (address == null || address.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ManagedChannelBuilder.forAddress(address, port).usePlaintext().build());
    }
}
