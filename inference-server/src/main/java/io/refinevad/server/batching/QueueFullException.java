package io.refinevad.server.batching;

/**
 * The batcher cannot take this work now: a queue's budget, or the budget of one request, is reached. The message
 * names the limit and the property that sets it; the services answer RESOURCE_EXHAUSTED with it.
 */
public class QueueFullException extends RuntimeException {
    QueueFullException(String message) {
        super(message, null, false, false);
    }
}
