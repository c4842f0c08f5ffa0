package io.refinevad.server.batching;

/**
 * The server's monotonic clock in nanoseconds (System::nanoTime in production): the one source of every duration
 * the server measures, reports or waits for in the batcher, so that a test can drive them.
 */
@FunctionalInterface
public interface NanoClock {
    long nanoTime();
}
