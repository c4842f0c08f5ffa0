package io.refinevad.gateway.pods;

import io.refinevad.gateway.pods.Placement.PodLoad;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which streams to move after pods became placeable (a surge): from the most loaded pod to the least loaded one
 * (relative to capacity, as {@link Placement} compares them), one stream at a time, while some pod is more than one
 * stream above its even share ({@code all streams x its capacity / all capacity}) or more than one below it, and
 * the move does not leave the receiving pod more loaded than the one it leaves. At most {@code maxMoves} moves: the
 * rate bound is the plan's, so that a caller that applies one plan per period moves at a bounded rate.
 */
public final class Rebalancing {
    private Rebalancing() {
    }

    /** Move one stream from pod {@code from} to pod {@code to}. */
    public record Move(Pod from, Pod to) {
    }

    /** The moves, in order, that bring {@code loads} towards even; pods of no capacity take no part. */
    public static List<Move> plan(List<PodLoad> loads, int maxMoves) {
        Map<Pod, PodLoad> now = new LinkedHashMap<>();
        loads.stream().filter(load -> load.capacity() > 0).forEach(load -> now.put(load.pod(), load));
        long streams = now.values().stream().mapToLong(PodLoad::streams).sum();
        long capacity = now.values().stream().mapToLong(PodLoad::capacity).sum();
        List<Move> moves = new ArrayList<>();
        while (moves.size() < maxMoves && now.size() > 1) {
            PodLoad from = Collections.max(now.values(), Placement.LEAST_LOADED);
            PodLoad to = Collections.min(now.values(), Placement.LEAST_LOADED);
            if (from.streams() == 0 || !uneven(from, to, streams, capacity) || !evens(from, to)) {
                break;
            }
            moves.add(new Move(from.pod(), to.pod()));
            now.put(from.pod(), new PodLoad(from.pod(), from.streams() - 1, from.capacity()));
            now.put(to.pod(), new PodLoad(to.pod(), to.streams() + 1, to.capacity()));
        }
        return moves;
    }

    /** {@code from} is more than one stream above its even share, or {@code to} more than one below its own. */
    private static boolean uneven(PodLoad from, PodLoad to, long streams, long capacity) {
        return (from.streams() - 1) * capacity > streams * from.capacity()
                || (to.streams() + 1) * capacity < streams * to.capacity();
    }

    /** After the move {@code to}'s share is at most {@code from}'s: the move evens, never swaps, the two. */
    private static boolean evens(PodLoad from, PodLoad to) {
        return (to.streams() + 1) * from.capacity() <= (from.streams() - 1) * to.capacity();
    }
}
