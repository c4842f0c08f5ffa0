package io.refinevad.server.events;

import io.refinevad.api.v1.AnomalyEvent;

/**
 * Somewhere anomaly events go beside the stream that caused them (a webhook, the Kubernetes API). Called on the
 * scoring path, under the stream's lock: an implementation must not block; it queues, and drops (counting what it
 * drops) when its queue is full, so that a slow receiver never slows scoring.
 */
public interface AnomalyEventSink {
    void publish(AnomalyEvent event);
}
