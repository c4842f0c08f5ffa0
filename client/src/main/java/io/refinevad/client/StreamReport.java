package io.refinevad.client;

import io.refinevad.api.events.EventRule;
import io.refinevad.api.v1.ModelInfo;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** A camera's result for a person: the score strip, latency, and each anomalous interval with its category. */
final class StreamReport {
    /**
     * For a server that leaves ModelInfo.frames_per_segment unset (0: it serves a manifest without the field): the
     * API's features are one row per 16-frame segment (scoring.proto), as in the model's data contract.
     */
    static final int API_FRAMES_PER_SEGMENT = 16;
    /**
     * The client's own alarms (a --threshold, or a server that makes no events) are runs of at least this many
     * segments at or above the threshold: the API's default, as a server's event rule has it.
     */
    static final int MIN_ALARM_SEGMENTS = EventRule.DEFAULT_MIN_SEGMENTS;

    private StreamReport() {
    }

    /** How many video frames one segment of the served model stands for. */
    static int framesPerSegment(ModelInfo served) {
        return served.getFramesPerSegment() > 0 ? served.getFramesPerSegment() : API_FRAMES_PER_SEGMENT;
    }

    static void print(StreamResult result, AlarmRule rule, int framesPerSegment, PrintStream out) {
        long[] latency = Arrays.stream(result.latencyMicros()).filter(l -> l > 0).sorted().toArray();  // answered
        out.printf("%-24s %4d segments  p50 %5.1f ms  p99 %5.1f ms  %s%n", result.streamId(),
                result.scores().length, percentile(latency, 0.50) / 1000.0, percentile(latency, 0.99) / 1000.0,
                result.status().isOk() ? "ok" : result.status().getCode() + ": " + result.status().getDescription());
        out.println("  " + Sparkline.of(result.scores(), 80));
        List<AnomalyIntervals.Interval> found = alarms(result, rule);
        if (found.isEmpty()) {
            out.println("  no anomaly");
        }
        for (AnomalyIntervals.Interval interval : found) {
            out.printf("  anomaly: segments %d-%d (frames %d-%d)  peak %.2f  %s%n", interval.start(),
                    interval.end() - 1, interval.start() * framesPerSegment, interval.end() * framesPerSegment - 1,
                    interval.peak(), rule.category(interval));
        }
    }

    /**
     * The camera's alarms under this rule, what the report lists and the timeline plot draws: the server's anomaly
     * events when the rule says so, else the runs of segments at or above the rule's threshold.
     */
    static List<AnomalyIntervals.Interval> alarms(StreamResult result, AlarmRule rule) {
        return rule.serverEvents() ? ServerAlarms.of(result.events())
                : AnomalyIntervals.detect(result.scores(), result.evidence(), result.categories(), rule.threshold(),
                        MIN_ALARM_SEGMENTS);
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
