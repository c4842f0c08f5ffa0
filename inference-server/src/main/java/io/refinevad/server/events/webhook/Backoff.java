package io.refinevad.server.events.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The waits between attempts at one event: 100 ms, doubling up to the cap, each shortened by up to half at random so
 * that the pods of a detector do not retry a recovering receiver in step. Back to the start once the receiver answers.
 */
final class Backoff {
    private static final long FIRST_MILLIS = 100;
    private final long maxMillis;
    private long nextMillis;

    Backoff(Duration max) {
        this.maxMillis = Math.max(1, max.toMillis());
        reset();
    }

    long nextMillis() {
        long wait = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return wait - ThreadLocalRandom.current().nextLong(wait / 2 + 1);
    }

    void reset() {
        nextMillis = Math.min(FIRST_MILLIS, maxMillis);
    }
}
