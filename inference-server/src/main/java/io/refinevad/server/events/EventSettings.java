package io.refinevad.server.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The server's anomaly event rule (refinevad.v1.AnomalyEvent, io.refinevad.api.events.EventRule) beside the alarm
 * threshold it starts from (refinevad.alarm.threshold or the model's), and the AnomalyDetector the events name.
 */
@ConfigMapping(prefix = "refinevad.events")
public interface EventSettings {

    /** Whether streams make anomaly events at all (off: no event on any stream or sink, and no detector's work). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How far below the threshold an open anomaly's scores may fall and it still goes on. Unset: 0.1, or half the
     * threshold when that is lower (the release level must stay above 0).
     */
    Optional<Float> hysteresis();

    /** Consecutive segments at or above the threshold before an anomaly starts (shorter runs are flicker). */
    @WithDefault("2")
    int minSegments();

    /** Consecutive segments below the release level that end an anomaly. */
    @WithDefault("2")
    int quietSegments();

    /** Segments between two UPDATED events of one anomaly, at least. */
    @WithDefault("16")
    int updateInterval();

    /** The AnomalyDetector this server serves, as namespace/name (the operator sets it); unset outside Kubernetes. */
    Optional<String> detector();
}
