package io.refinevad.api.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventEndReason;
import io.refinevad.api.v1.EventPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One anomaly is one event: started, updated at most once per interval, ended, whatever the scores do between. */
class AnomalyEventDetectorTest {
    private static final List<String> CATEGORIES = List.of("Fighting", "Arson");
    private static final float[] FIGHTING = {0.9f, 0.1f};
    private static final float[] ARSON = {0.1f, 0.9f};
    /** Threshold 0.5, release level 0.4, two segments to start, two quiet ones to end, updates 4 apart. */
    private static final EventRule RULE = new EventRule(0.5f, 0.1f, 2, 2, 4);

    private final AtomicInteger ids = new AtomicInteger();

    @Test
    void aRunThatHoversAroundTheThresholdIsOneEventFromItsFirstSegmentToItsLastAboveTheReleaseLevel() {
        // 3..4 start it; 5 (0.45) and 7 (0.42) dip below the threshold but not the release level; 8 alone is quiet;
        // 11 and 12 are quiet: it ends at 12, its last segment is 10.
        List<AnomalyEvent> events = run(detector(0.6f), 0.1f, 0.2f, 0.3f, 0.7f, 0.8f, 0.45f, 0.9f, 0.42f, 0.3f, 0.6f,
                0.55f, 0.1f, 0.1f, 0.9f);
        assertEquals(3, events.size(), events.toString());
        AnomalyEvent started = events.get(0);
        assertEquals(EventPhase.EVENT_PHASE_STARTED, started.getPhase());
        assertEquals(3, started.getFirstSequence());
        assertEquals(4, started.getLastSequence());
        assertEquals(0.8f, started.getPeakScore());
        AnomalyEvent updated = events.get(1);
        assertEquals(EventPhase.EVENT_PHASE_UPDATED, updated.getPhase());
        assertEquals(9, updated.getLastSequence(), "the peak rose at 6; the update waits until 4 segments after the"
                + " start was told, at 8, which is quiet: it comes with the next segment at or above the release level");
        assertEquals(0.9f, updated.getPeakScore());
        assertEquals(6, updated.getPeakSequence());
        AnomalyEvent ended = events.get(2);
        assertEquals(EventPhase.EVENT_PHASE_ENDED, ended.getPhase());
        assertEquals(EventEndReason.EVENT_END_REASON_SCORES_FELL, ended.getEndReason());
        assertEquals(3, ended.getFirstSequence());
        assertEquals(10, ended.getLastSequence());
        assertEquals(started.getEventId(), ended.getEventId());
        assertEquals(updated.getEventId(), ended.getEventId());
    }

    @Test
    void aRunShorterThanTheMinimumIsFlickerAndMakesNoEvent() {
        assertEquals(List.of(), run(detector(0.6f), 0.9f, 0.1f, 0.9f, 0.45f, 0.9f, 0.1f));
    }

    @Test
    void framesFollowTheSegmentsAndTheCategoryIsShownOnlyAtTheServedConfidence() {
        AnomalyEventDetector detector = detector(0.6f);
        assertEquals(Optional.empty(), detector.observe(100, 0.9f, FIGHTING));
        AnomalyEvent started = detector.observe(101, 0.95f, FIGHTING).orElseThrow();
        assertEquals(1600, started.getFirstFrame());
        assertEquals(1631, started.getLastFrame());
        assertEquals("Fighting", started.getTopCategory());
        assertEquals(0.9f, started.getCategoryConfidence(), 1e-6);
        assertEquals("Fighting", started.getCategory());
        assertEquals("camera-7", started.getStreamId());
        assertEquals("team-a/lobby", started.getDetector());
        assertEquals("refinevad", started.getModelName());
        assertEquals("3", started.getModelVersion());
        // Without a served confidence every category is unknown, whatever the evidence says.
        AnomalyEvent uncalibrated = run(detector(null), 0.9f, 0.9f).get(0);
        assertEquals("unknown", uncalibrated.getCategory());
        assertEquals("Fighting", uncalibrated.getTopCategory());
    }

    @Test
    void anotherCategoryShownIsAnUpdateAndAnOpenAnomalyEndsWithTheStream() {
        AnomalyEventDetector detector = detector(0.6f);
        List<AnomalyEvent> events = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            detector.observe(t, 0.9f, FIGHTING).ifPresent(events::add);
        }
        for (int t = 3; t < 9; t++) {
            detector.observe(t, 0.8f, ARSON).ifPresent(events::add);  // the peak stays 0.9; the evidence turns
        }
        detector.close(EventEndReason.EVENT_END_REASON_STREAM_MOVED).ifPresent(events::add);
        assertEquals(List.of(EventPhase.EVENT_PHASE_STARTED, EventPhase.EVENT_PHASE_UPDATED,
                EventPhase.EVENT_PHASE_ENDED), events.stream().map(AnomalyEvent::getPhase).toList());
        assertEquals("Fighting", events.get(0).getCategory());
        // The evidence summed to 5: Fighting 3.0, Arson 3.0; to 8: Fighting 3.3, Arson 5.7 (a share of 0.63).
        assertEquals("unknown", events.get(1).getCategory(), "no category has 0.6 of the evidence at 5");
        assertEquals(5, events.get(1).getLastSequence());
        assertEquals("Arson", events.get(2).getCategory());
        assertEquals(EventEndReason.EVENT_END_REASON_STREAM_MOVED, events.get(2).getEndReason());
        assertEquals(8, events.get(2).getLastSequence());
        assertEquals(Optional.empty(), detector.close(EventEndReason.EVENT_END_REASON_STREAM_ENDED), "told once");
    }

    @Test
    void aStreamWithoutAnAnomalyHasNothingToEnd() {
        AnomalyEventDetector detector = detector(0.6f);
        detector.observe(0, 0.9f, FIGHTING);  // a candidate, not yet an anomaly
        assertEquals(Optional.empty(), detector.close(EventEndReason.EVENT_END_REASON_STREAM_ENDED));
    }

    @Test
    void eachAnomalyHasItsOwnId() {
        List<AnomalyEvent> events = run(detector(0.6f), 0.9f, 0.9f, 0.1f, 0.1f, 0.9f, 0.9f);
        assertEquals(3, events.size());
        assertEquals(events.get(0).getEventId(), events.get(1).getEventId());
        assertTrue(!events.get(2).getEventId().equals(events.get(0).getEventId()));
    }

    @Test
    void aRuleThatCouldNeverStartOrEndIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRule(0f, 0f, 2, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new EventRule(0.5f, 0.5f, 2, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new EventRule(0.5f, 0.1f, 0, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new EventRule(Float.NaN, 0.1f, 2, 2, 4));
        assertEquals(0.05f, EventRule.withThreshold(0.1f).hysteresis());
    }

    private AnomalyEventDetector detector(Float categoryConfidence) {
        return new AnomalyEventDetector(RULE, new EventSource("camera-7", "team-a/lobby", "refinevad", "3", 16,
                CATEGORIES, categoryConfidence), () -> "event-" + ids.incrementAndGet());
    }

    private static List<AnomalyEvent> run(AnomalyEventDetector detector, float... scores) {
        List<AnomalyEvent> events = new ArrayList<>();
        for (int t = 0; t < scores.length; t++) {
            detector.observe(t, scores[t], FIGHTING).ifPresent(events::add);
        }
        return events;
    }
}
