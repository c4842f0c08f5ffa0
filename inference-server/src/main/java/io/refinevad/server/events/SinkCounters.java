package io.refinevad.server.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one event sink did with the events it was given, at /q/metrics: refinevad_events_delivered and
 * refinevad_events_dropped by reason, both tagged with the sink, so that one alert on drops covers every sink.
 * Registered up front: a drop is counted on the scoring path, which should not look meters up.
 */
public final class SinkCounters {

    /** Why a sink let an event go undelivered. */
    public enum DropReason {
        /** The sink's queue was full: its receiver is slower than the events, or away. */
        QUEUE_FULL,
        /** The receiver refused the event for good (an HTTP status that a retry would not change). */
        REJECTED,
        /** The server stopped before the event could be delivered. */
        SHUTDOWN,
        /** The receiver did not take it within the sink's longest wait (it kept failing on it, or was away). */
        EXPIRED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Counter delivered;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    public SinkCounters(MeterRegistry registry, String sink) {
        this.delivered = Counter.builder("refinevad_events_delivered")
                .description("anomaly events a sink delivered, by sink").tag("sink", sink).register(registry);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("refinevad_events_dropped")
                    .description("anomaly events a sink dropped, by sink and reason")
                    .tag("sink", sink).tag("reason", reason.tag()).register(registry));
        }
    }

    public void delivered() {
        delivered.increment();
    }

    public void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }
}
