package io.refinevad.gateway.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.gateway.pods.Placement.PodLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final Pod A = new Pod("a", 9000, 9002);
    private static final Pod B = new Pod("b", 9000, 9002);
    private static final Pod C = new Pod("c", 9000, 9002);

    @Test
    void theFewestStreamsForTheSameCapacityWin() {
        assertEquals(Optional.of(B), Placement.leastLoaded(List.of(
                new PodLoad(A, 5, 64), new PodLoad(B, 3, 64), new PodLoad(C, 4, 64))));
    }

    @Test
    void streamsCountRelativeToCapacity() {
        // 10 of 64 (16 %) is less loaded than 2 of 8 (25 %), although it has more streams.
        assertEquals(Optional.of(A), Placement.leastLoaded(List.of(new PodLoad(A, 10, 64), new PodLoad(B, 2, 8))));
    }

    @Test
    void onAnEqualShareTheLargerPodWins() {
        // both half full: the one with more free slots takes it.
        assertEquals(Optional.of(B), Placement.leastLoaded(List.of(new PodLoad(A, 4, 8), new PodLoad(B, 32, 64))));
    }

    @Test
    void aPodOfNoCapacityIsChosenLast() {
        assertEquals(Optional.of(B), Placement.leastLoaded(List.of(new PodLoad(A, 0, 0), new PodLoad(B, 63, 64))));
        assertEquals(Optional.of(A), Placement.leastLoaded(List.of(new PodLoad(A, 0, 0))));
    }

    @Test
    void noPodNoPlace() {
        assertTrue(Placement.leastLoaded(List.of()).isEmpty());
    }

    @Test
    void streamsPlacedOneAfterAnotherSpreadEvenlyFromUnevenLoads() {
        Map<Pod, Long> streams = new HashMap<>(Map.of(A, 7L, B, 0L, C, 2L));
        for (int placed = 0; placed < 87; placed++) {
            List<PodLoad> loads = new ArrayList<>();
            streams.forEach((pod, count) -> loads.add(new PodLoad(pod, count, 64)));
            streams.merge(Placement.leastLoaded(loads).orElseThrow(), 1L, Long::sum);
        }
        // 96 streams in all: 32 each, the 7 already on A included.
        assertEquals(Map.of(A, 32L, B, 32L, C, 32L), streams);
    }
}
