package io.refinevad.operator.reconciler;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.load.PodAnomalyStarts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the anomalies that started on a detector's pods as Kubernetes Events on the detector (reason
 * {@value #REASON}), rate-limited so that a noisy camera, or many cameras at once, cannot flood the API server: at
 * most one per camera per {@link #PER_CAMERA}, and {@value #PER_DETECTOR_PER_MINUTE} per detector per minute. What
 * the limits hold back, and what the pods no longer kept, is counted (refinevad_operator_anomaly_events_suppressed),
 * not recorded. The webhook (spec.alerts.webhook) is where every event goes; these Events are for `kubectl describe`.
 */
public class AnomalyStartEvents {

    static final String REASON = "AnomalyStarted";
    static final Duration PER_CAMERA = Duration.ofMinutes(1);
    static final int PER_DETECTOR_PER_MINUTE = 30;
    /** Cameras remembered per detector: stream ids are the clients' to choose, so the memory of them is bounded. */
    static final int CAMERAS_REMEMBERED = 4096;

    private final PodAnomalyStarts pods;
    private final DetectorEvents events;
    private final OperatorMetrics metrics;
    private final Map<String, Limits> limits = new ConcurrentHashMap<>();

    public AnomalyStartEvents(PodAnomalyStarts pods, DetectorEvents events, OperatorMetrics metrics) {
        this.pods = pods;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * Takes what started on the detector's pods, and records it. Every observed pod is asked, not only those whose
     * load report came back this pass: a pod left out would be forgotten, and asked again from the start next time.
     */
    public void relay(AnomalyDetector detector, DetectorObservation observation, Instant now) {
        record(detector, pods.take(detector, observation.pods().stream().map(ObservedPod::pod).toList()), now);
    }

    void record(AnomalyDetector detector, PodAnomalyStarts.Taken taken, Instant now) {
        metrics.anomalyEventsSuppressed("missed", taken.missed());
        Limits detectorLimits = limits.computeIfAbsent(detector.getMetadata().getUid(), uid -> new Limits());
        for (PodAnomalyStarts.Start start : taken.starts()) {
            String refusal = detectorLimits.refusal(start.event().getStreamId(), now);
            if (refusal != null) {
                metrics.anomalyEventsSuppressed(refusal, 1);
                continue;
            }
            events.normal(detector, REASON, message(start));
        }
    }

    /** The detector is gone. */
    public void forget(AnomalyDetector detector) {
        pods.forget(detector);
        limits.remove(detector.getMetadata().getUid());
    }

    static String message(PodAnomalyStarts.Start start) {
        AnomalyEvent event = start.event();
        String category = event.getCategory().equals(event.getTopCategory()) ? event.getCategory()
                : String.format("%s (%s %.2f)", event.getCategory(), printable(event.getTopCategory()),
                        event.getCategoryConfidence());
        return String.format("camera %s: anomaly started at segment %s (frame %s), peak score %.2f, category %s;"
                        + " model %s version %s on pod %s", printable(event.getStreamId()),
                Long.toUnsignedString(event.getFirstSequence()), Long.toUnsignedString(event.getFirstFrame()),
                event.getPeakScore(), printable(category),
                printable(event.getModelName()), printable(event.getModelVersion()), start.pod());
    }

    /**
     * A camera's stream id is the client's to choose: no line breaks, control characters, or invisible format
     * characters (bidi overrides, zero widths) that could disguise it in `kubectl describe`.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(hidden(c) ? '?' : c));
        return out.toString();
    }

    private static boolean hidden(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** One detector's limits: when each camera last had an Event, and the Events of the last minute. */
    private static final class Limits {
        private final Map<String, Instant> lastPerCamera = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > CAMERAS_REMEMBERED;
            }
        };
        private final Deque<Instant> lastMinute = new ArrayDeque<>();

        /** Null when an Event may be recorded now (and counts it), else the limit that holds it back. */
        synchronized String refusal(String camera, Instant now) {
            Instant last = lastPerCamera.get(camera);
            if (last != null && now.isBefore(last.plus(PER_CAMERA))) {
                return "camera_rate";
            }
            while (!lastMinute.isEmpty() && !now.isBefore(lastMinute.peekFirst().plus(Duration.ofMinutes(1)))) {
                lastMinute.pollFirst();
            }
            if (lastMinute.size() >= PER_DETECTOR_PER_MINUTE) {
                return "detector_rate";
            }
            lastMinute.addLast(now);
            lastPerCamera.put(camera, now);
            return null;
        }
    }
}
