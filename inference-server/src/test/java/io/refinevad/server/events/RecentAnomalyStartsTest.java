package io.refinevad.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.EventPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the operator gets from Admin.GetAnomalyStarts: each start once, in order, and a count of what it missed. */
class RecentAnomalyStartsTest {
    private final RecentAnomalyStarts starts = new RecentAnomalyStarts();

    @Test
    void onlyStartsAreKeptAndEachIsGivenOnceAfterTheCallersCursor() {
        starts.publish(event("a", EventPhase.EVENT_PHASE_STARTED));
        starts.publish(event("a", EventPhase.EVENT_PHASE_ENDED));
        starts.publish(event("b", EventPhase.EVENT_PHASE_STARTED));
        AnomalyStarts all = starts.after(0, "");
        assertEquals(2, all.getNext());
        assertEquals(0, all.getMissed());
        assertEquals(List.of("a", "b"), all.getStartedList().stream().map(AnomalyEvent::getStreamId).toList());
        starts.publish(event("c", EventPhase.EVENT_PHASE_STARTED));
        AnomalyStarts next = starts.after(all.getNext(), all.getEpoch());
        assertEquals(List.of("c"), next.getStartedList().stream().map(AnomalyEvent::getStreamId).toList());
        assertEquals(3, next.getNext());
        assertEquals(0, starts.after(3, all.getEpoch()).getStartedCount());
    }

    @Test
    void aBurstBeyondWhatIsKeptIsCountedAsMissed() {
        for (int i = 0; i < RecentAnomalyStarts.KEPT + 10; i++) {
            starts.publish(event("camera-" + i, EventPhase.EVENT_PHASE_STARTED));
        }
        AnomalyStarts answer = starts.after(5, "");
        assertEquals(5, answer.getMissed(), "6 to 10 are gone; 11 on are kept");
        assertEquals(RecentAnomalyStarts.KEPT, answer.getStartedCount());
        assertEquals("camera-10", answer.getStarted(0).getStreamId());
        assertEquals(RecentAnomalyStarts.KEPT + 10, answer.getNext());
    }

    @Test
    void aCursorBeyondTheNewestIsAPreviousRunsAndEverythingKeptIsNew() {
        starts.publish(event("after-restart", EventPhase.EVENT_PHASE_STARTED));
        AnomalyStarts answer = starts.after(40, "");
        assertEquals(1, answer.getStartedCount());
        assertEquals(1, answer.getNext());
        assertEquals(0, answer.getMissed());
    }

    @Test
    void aCursorOfAnotherEpochIsARestartedContainersAndEverythingKeptIsNew() {
        starts.publish(event("a", EventPhase.EVENT_PHASE_STARTED));
        starts.publish(event("b", EventPhase.EVENT_PHASE_STARTED));
        AnomalyStarts answer = starts.after(1, "the-epoch-of-the-process-before");
        assertEquals(List.of("a", "b"), answer.getStartedList().stream().map(AnomalyEvent::getStreamId).toList());
        assertEquals(1, starts.after(1, answer.getEpoch()).getStartedCount(), "with its own epoch: after 1");
    }

    private static AnomalyEvent event(String stream, EventPhase phase) {
        return AnomalyEvent.newBuilder().setStreamId(stream).setPhase(phase).build();
    }
}
