package io.refinevad.gateway.pods;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a new stream goes: to the pod with the fewest streams relative to its capacity; on a tie, to the one with
 * the most free slots (the larger pod), then to the first listed.
 */
public final class Placement {
    private Placement() {
    }

    /** A pod's streams as the gateway sees them: its last load report plus the streams placed on it since. */
    public record PodLoad(Pod pod, long streams, long capacity) {
        long free() {
            return capacity - streams;
        }
    }

    /** Ascending load: the least loaded first (also how Rebalancing finds the most loaded, last). */
    static final Comparator<PodLoad> LEAST_LOADED = ((Comparator<PodLoad>) Placement::compareShares)
            .thenComparing(Comparator.comparingLong(PodLoad::free).reversed());

    public static Optional<Pod> leastLoaded(List<PodLoad> loads) {
        return loads.stream().min(LEAST_LOADED).map(PodLoad::pod);
    }

    /** streams / capacity compared without division; a pod of no capacity counts as full beyond any other. */
    private static int compareShares(PodLoad a, PodLoad b) {
        if (a.capacity() <= 0 || b.capacity() <= 0) {
            return Boolean.compare(a.capacity() <= 0, b.capacity() <= 0);
        }
        return Long.compare(a.streams() * b.capacity(), b.streams() * a.capacity());
    }
}
