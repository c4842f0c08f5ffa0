package io.refinevad.api.events;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventEndReason;
import io.refinevad.api.v1.EventPhase;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns one stream's scores, in sequence order, into anomaly events under an {@link EventRule}: STARTED when a run
 * reaches the rule's minimum length, UPDATED when the anomaly's peak rises or its shown category changes (at most
 * once per update interval), ENDED when its scores fall below the release level long enough, or when the stream
 * ends here. A segment yields at most one event. Not thread-safe: a stream's segments are observed one at a time.
 */
public final class AnomalyEventDetector {
    private final EventRule rule;
    private final EventSource source;
    private final Supplier<String> eventIds;

    /** The anomaly being told, or the run that may become one; null when scores are below the threshold. */
    private Anomaly current;

    public AnomalyEventDetector(EventRule rule, EventSource source) {
        this(rule, source, () -> UUID.randomUUID().toString());
    }

    AnomalyEventDetector(EventRule rule, EventSource source, Supplier<String> eventIds) {
        this.rule = rule;
        this.source = source;
        this.eventIds = eventIds;
    }

    /** The event this segment causes, if any. */
    public Optional<AnomalyEvent> observe(long sequence, float score, float[] evidence) {
        if (current == null) {
            if (score < rule.threshold()) {
                return Optional.empty();
            }
            current = new Anomaly(sequence, source);
        }
        if (!current.started) {
            return observeCandidate(sequence, score, evidence);
        }
        if (score < rule.releaseLevel()) {
            if (++current.quiet < rule.quietSegments()) {
                return Optional.empty();
            }
            return Optional.of(end(EventEndReason.EVENT_END_REASON_SCORES_FELL));
        }
        current.quiet = 0;
        boolean grew = current.add(sequence, score, evidence);
        if (grew || current.changedSinceTold) {
            current.changedSinceTold = true;
            if (sequence - current.lastToldSequence >= rule.updateInterval()) {
                return Optional.of(tell(EventPhase.EVENT_PHASE_UPDATED));
            }
        }
        return Optional.empty();
    }

    /** Ends the anomaly still open when the stream ends or moves away; empty when none is open. */
    public Optional<AnomalyEvent> close(EventEndReason reason) {
        return current != null && current.started ? Optional.of(end(reason)) : Optional.empty();
    }

    private Optional<AnomalyEvent> observeCandidate(long sequence, float score, float[] evidence) {
        if (score < rule.threshold()) {
            current = null;  // flicker: shorter than the rule's minimum
            return Optional.empty();
        }
        current.add(sequence, score, evidence);
        if (current.length() < rule.minSegments()) {
            return Optional.empty();
        }
        current.started = true;
        current.eventId = eventIds.get();
        return Optional.of(tell(EventPhase.EVENT_PHASE_STARTED));
    }

    private AnomalyEvent end(EventEndReason reason) {
        AnomalyEvent ended = current.toEvent(EventPhase.EVENT_PHASE_ENDED).setEndReason(reason).build();
        current = null;
        return ended;
    }

    private AnomalyEvent tell(EventPhase phase) {
        current.changedSinceTold = false;
        current.lastToldSequence = current.lastSequence;
        return current.toEvent(phase).build();
    }

    /** One run of anomalous segments: what its events say, and what has been told of it. */
    private static final class Anomaly {
        private final long firstSequence;
        private final EventSource source;
        private final CategoryEvidence evidence;
        private long lastSequence;
        private float peak = Float.NEGATIVE_INFINITY;
        private long peakSequence;
        private String shownCategory;
        private boolean started;
        private String eventId;
        private int quiet;
        private boolean changedSinceTold;
        private long lastToldSequence;

        Anomaly(long firstSequence, EventSource source) {
            this.firstSequence = firstSequence;
            this.source = source;
            this.evidence = new CategoryEvidence(source.categories());
        }

        long length() {
            return lastSequence - firstSequence + 1;
        }

        /** Adds a segment at or above the release level; whether the peak rose or the shown category changed. */
        boolean add(long sequence, float score, float[] segmentEvidence) {
            lastSequence = sequence;
            evidence.add(segmentEvidence);
            boolean grew = false;
            if (score > peak) {
                peak = score;
                peakSequence = sequence;
                grew = true;
            }
            String shown = evidence.shown(source.categoryConfidence());
            if (!shown.equals(shownCategory)) {
                shownCategory = shown;
                grew = true;
            }
            return grew;
        }

        AnomalyEvent.Builder toEvent(EventPhase phase) {
            long frames = source.framesPerSegment();
            return AnomalyEvent.newBuilder()
                    .setEventId(eventId)
                    .setPhase(phase)
                    .setStreamId(source.streamId())
                    .setDetector(source.detector())
                    .setModelName(source.modelName())
                    .setModelVersion(source.modelVersion())
                    .setFirstSequence(firstSequence)
                    .setLastSequence(lastSequence)
                    .setFirstFrame(firstSequence * frames)
                    .setLastFrame((lastSequence + 1) * frames - 1)
                    .setPeakScore(peak)
                    .setPeakSequence(peakSequence)
                    .setCategory(shownCategory)
                    .setTopCategory(evidence.top())
                    .setCategoryConfidence(evidence.confidence());
        }
    }
}
