package io.refinevad.client;

import io.refinevad.api.v1.AnomalyEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alarms a server's anomaly events (scoring.proto, AnomalyEvent; docs/EVENTS.md) describe, as intervals: one
 * per anomaly, from its latest event (its ENDED one, or the last STARTED or UPDATED when the call broke before the
 * anomaly ended). An anomaly that went on across a drain is two: the old server ended it (STREAM_MOVED) and the new
 * one started another.
 */
final class ServerAlarms {
    private ServerAlarms() {
    }

    static List<AnomalyIntervals.Interval> of(List<AnomalyEvent> events) {
        Map<String, AnomalyEvent> latest = new LinkedHashMap<>();
        events.forEach(event -> latest.put(event.getEventId(), event));
        List<AnomalyIntervals.Interval> intervals = new ArrayList<>();
        for (AnomalyEvent event : latest.values()) {
            intervals.add(new AnomalyIntervals.Interval((int) event.getFirstSequence(),
                    (int) event.getLastSequence() + 1, event.getPeakScore(), event.getTopCategory(),
                    event.getCategoryConfidence()));
        }
        return intervals;
    }
}
