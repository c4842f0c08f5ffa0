package io.refinevad.operator.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recommendations of the scale-down stabilization window, of which the highest bounds how far the detector may
 * shrink. Kept as a sliding-window maximum: a recommendation leaves as soon as a newer one is at least as high (it can
 * never be the highest again) or once the window has passed it. So the entries, oldest first, strictly decrease, and
 * there are never more of them than distinct replica counts, however often the caller polls and however long the
 * window is.
 */
final class RecommendationHistory {

    private record Entry(Instant madeAt, int replicas) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    void record(Instant now, int replicas) {
        while (!entries.isEmpty() && entries.peekLast().replicas() <= replicas) {
            entries.pollLast();
        }
        entries.addLast(new Entry(now, replicas));
    }

    /** Forgets the recommendations the window no longer covers: each one counts until exactly {@code window} later. */
    void prune(Instant now, Duration window) {
        while (!entries.isEmpty() && !now.isBefore(entries.peekFirst().madeAt().plus(window))) {
            entries.pollFirst();
        }
    }

    /** The highest recommendation still in the window; call after {@link #record}. */
    int highest() {
        return entries.getFirst().replicas();
    }

    /**
     * When the newest recommendation of at least {@code replicas} was made. The entries that high are the oldest ones,
     * and no newer entry that high was dropped (it would have dropped the older ones instead).
     */
    Instant newestAtLeast(int replicas) {
        Instant newest = null;
        for (Entry entry : entries) {
            if (entry.replicas() < replicas) {
                break;
            }
            newest = entry.madeAt();
        }
        if (newest == null) {
            throw new IllegalStateException("no recommendation of at least " + replicas + " in the window");
        }
        return newest;
    }

    int size() {
        return entries.size();
    }
}
