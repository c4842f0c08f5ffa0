package io.refinevad.gateway.stream;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** What every relay shares: the per-stream limits and the scheduler of moves that wait for a pod. */
record StreamSettings(int maxInFlight, Duration moveTimeout, ScheduledExecutorService retries) {
}
