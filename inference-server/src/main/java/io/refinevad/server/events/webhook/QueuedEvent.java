package io.refinevad.server.events.webhook;

import io.refinevad.api.v1.AnomalyEvent;
import java.time.Instant;

/** An event waiting for the receiver, with the time the server published it (its ce-time, whatever the retries). */
record QueuedEvent(AnomalyEvent event, Instant time) {
}
