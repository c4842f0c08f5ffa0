package io.refinevad.server.batching;

/** The batcher's queue is at its limit; the message says the limit. */
public class QueueFullException extends RuntimeException {
    public QueueFullException(int limit) {
        super("the scoring queue is full (" + limit + " jobs waiting, refinevad.batching.max-queue-size); "
                + "retry later or on another replica");
    }
}
