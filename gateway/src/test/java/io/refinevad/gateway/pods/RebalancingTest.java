package io.refinevad.gateway.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.gateway.pods.Placement.PodLoad;
import io.refinevad.gateway.pods.Rebalancing.Move;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalancingTest {
    private static final Pod A = new Pod("a", 9000, 9002);
    private static final Pod B = new Pod("b", 9000, 9002);
    private static final Pod C = new Pod("c", 9000, 9002);

    @Test
    void ninetySixStreamsOnOnePodSpreadToThirtyTwoEachWithinOneWhenTwoPodsAppear() {
        Loads loads = new Loads().with(A, 96, 64).with(B, 0, 64).with(C, 0, 64);
        List<Move> moves = Rebalancing.plan(loads.list(), 1000);
        assertTrue(moves.stream().allMatch(move -> move.from().equals(A)), moves.toString());
        loads.apply(moves);
        // 33/32/31 is within one of even: the 64th move, to 32/32/32, is not made.
        assertEquals(Map.of(A, 33L, B, 32L, C, 31L), loads.streams());
        assertEquals(63, moves.size());
    }

    @Test
    void noPlanMovesMoreThanItsBoundAndRoundAfterRoundTheyEndWithinOneOfEven() {
        Loads loads = new Loads().with(A, 96, 64).with(B, 0, 64).with(C, 0, 64);
        int rounds = 0;
        for (List<Move> moves = Rebalancing.plan(loads.list(), 5); !moves.isEmpty();
             moves = Rebalancing.plan(loads.list(), 5)) {
            assertTrue(moves.size() <= 5, moves.toString());
            loads.apply(moves);
            rounds++;
        }
        assertEquals(13, rounds, "63 moves, 5 a round");  // 12 full rounds and one of 3
        loads.streams().values().forEach(streams -> assertTrue(Math.abs(streams - 32) <= 1, loads.toString()));
    }

    @Test
    void noMovesWhenEveryPodIsWithinOneOfEven() {
        for (long[] streams : new long[][] {{33, 32, 31}, {32, 32, 32}, {1, 0, 0}, {34, 33, 33}, {0, 0, 0}}) {
            Loads loads = new Loads().with(A, streams[0], 64).with(B, streams[1], 64).with(C, streams[2], 64);
            assertEquals(List.of(), Rebalancing.plan(loads.list(), 10), loads.toString());
        }
    }

    @Test
    void aPodTwoAboveEvenGivesOneStreamToTheLeastLoaded() {
        Loads loads = new Loads().with(A, 34, 64).with(B, 32, 64).with(C, 30, 64);
        assertEquals(List.of(new Move(A, C)), Rebalancing.plan(loads.list(), 10));
    }

    @Test
    void evenIsRelativeToCapacity() {
        // 96 streams over 128 + 64 slots: 64 and 32 is even; 63 and 33 is within one of it.
        Loads loads = new Loads().with(A, 0, 128).with(B, 96, 64);
        loads.apply(Rebalancing.plan(loads.list(), 1000));
        assertEquals(Map.of(A, 63L, B, 33L), loads.streams());
        assertEquals(List.of(), Rebalancing.plan(new Loads().with(A, 64, 128).with(B, 32, 64).list(), 10));
    }

    @Test
    void aPodOfNoCapacityNeitherGivesNorTakes() {
        Loads loads = new Loads().with(A, 10, 0).with(B, 0, 64);
        assertEquals(List.of(), Rebalancing.plan(loads.list(), 10));
    }

    @Test
    void aBoundOfZeroMovesNothing() {
        assertEquals(List.of(), Rebalancing.plan(new Loads().with(A, 96, 64).with(B, 0, 64).list(), 0));
    }

    /** Hand-made loads, in order, that a plan's moves can be applied to. */
    private static final class Loads {
        private final Map<Pod, PodLoad> loads = new LinkedHashMap<>();

        Loads with(Pod pod, long streams, long capacity) {
            loads.put(pod, new PodLoad(pod, streams, capacity));
            return this;
        }

        List<PodLoad> list() {
            return List.copyOf(loads.values());
        }

        void apply(List<Move> moves) {
            for (Move move : moves) {
                PodLoad from = loads.get(move.from());
                PodLoad to = loads.get(move.to());
                with(from.pod(), from.streams() - 1, from.capacity());
                with(to.pod(), to.streams() + 1, to.capacity());
            }
        }

        Map<Pod, Long> streams() {
            Map<Pod, Long> streams = new LinkedHashMap<>();
            loads.forEach((pod, load) -> streams.put(pod, load.streams()));
            return streams;
        }

        @Override
        public String toString() {
            return streams().toString();
        }
    }
}
