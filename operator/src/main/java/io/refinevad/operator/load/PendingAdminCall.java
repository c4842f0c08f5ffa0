package io.refinevad.operator.load;

import com.google.common.util.concurrent.ListenableFuture;
import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * One call to a pod's admin plane, started at once on its own channel with a deadline, so that all pods of a
 * detector are asked together and a poll takes one deadline at most however many pods there are.
 */
record PendingAdminCall<T>(ManagedChannel channel, ListenableFuture<T> call, Duration deadline) {

    /** Starts the call (given the channel and the deadline in milliseconds); none when the pod has no address. */
    static <T> PendingAdminCall<T> start(Pod pod, int port, Duration deadline,
            BiFunction<ManagedChannel, Long, ListenableFuture<T>> call) {
        return AdminChannels.open(pod, port)
                .map(channel -> new PendingAdminCall<>(channel, call.apply(channel, deadline.toMillis()), deadline))
                .orElseGet(() -> new PendingAdminCall<>(null, null, Duration.ZERO));
    }

    /** The answer; none when the pod had no address, failed or did not answer in time. Closes the channel. */
    Optional<T> await() {
        if (call == null) {
            return Optional.empty();
        }
        try {
            // The call's own deadline ends it; the extra second only guards against a transport that never does.
            return Optional.of(call.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            channel.shutdownNow();
        }
    }
}
