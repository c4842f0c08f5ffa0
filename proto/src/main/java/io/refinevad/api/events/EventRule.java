package io.refinevad.api.events;

/**
 * When a run of scores is one anomaly (refinevad.v1.AnomalyEvent): it starts once {@code minSegments} consecutive
 * segments score at or above {@code threshold}, goes on while scores stay at or above the release level
 * ({@code threshold - hysteresis}), and ends after {@code quietSegments} consecutive segments below it. The
 * hysteresis and the quiet segments keep a score that hovers at the threshold from making one event per crossing.
 * An UPDATED event is sent at most once per {@code updateInterval} segments.
 */
public record EventRule(float threshold, float hysteresis, int minSegments, int quietSegments, int updateInterval) {

    /** The defaults the server's refinevad.events.* settings start from. */
    public static final float DEFAULT_HYSTERESIS = 0.1f;
    public static final int DEFAULT_MIN_SEGMENTS = 2;
    public static final int DEFAULT_QUIET_SEGMENTS = 2;
    public static final int DEFAULT_UPDATE_INTERVAL = 16;

    public EventRule {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the event threshold must be in (0, 1], is " + threshold);
        }
        if (!(hysteresis >= 0 && hysteresis < threshold)) {
            throw new IllegalArgumentException("the event hysteresis must be at least 0 and below the threshold "
                    + threshold + ", is " + hysteresis);
        }
        requireAtLeastOne("min segments", minSegments);
        requireAtLeastOne("quiet segments", quietSegments);
        requireAtLeastOne("update interval", updateInterval);
    }

    /** The rule with every default but the threshold. */
    public static EventRule withThreshold(float threshold) {
        return new EventRule(threshold, Math.min(DEFAULT_HYSTERESIS, threshold / 2), DEFAULT_MIN_SEGMENTS,
                DEFAULT_QUIET_SEGMENTS, DEFAULT_UPDATE_INTERVAL);
    }

    /** An open anomaly goes on while scores stay at or above this. */
    public float releaseLevel() {
        return threshold - hysteresis;
    }

    private static void requireAtLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("the event " + what + " must be at least 1, is " + value);
        }
    }
}
