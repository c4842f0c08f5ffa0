package io.refinevad.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.EventEndReason;
import io.refinevad.api.v1.EventPhase;
import io.refinevad.api.v1.GetAnomalyStartsRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Anomaly events of the golden stream on the embedded default model (alarm threshold 0.808 from its manifest,
 * release level 0.708, no calibrated category confidence). Its golden scores are about 1 on segments 9 to 20, 0.67
 * on 21, about 0 on 22; 0.95, 0.89 and 0.99 on 29 to 31, about 0 after; 0.67 on 43 alone.
 */
@QuarkusTest
class AnomalyEventsRpcTest {
    private static final int DIM = 512;
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");
    private static final int SEGMENTS = CLIP.shape()[0];

    @GrpcClient("scoring")
    Channel channel;

    @GrpcClient("admin")
    Channel admin;

    @Inject
    RecordingEventSink sink;

    @Test
    void theGoldenStreamHasTwoAnomaliesEachStartedAndEndedRightAfterTheScoresThatCausedThem() throws Exception {
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("golden-events")
                .send(CLIP.values(), DIM, 0, SEGMENTS).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        List<AnomalyEvent> events = stream.events();
        assertEquals(List.of(EventPhase.EVENT_PHASE_STARTED, EventPhase.EVENT_PHASE_ENDED,
                EventPhase.EVENT_PHASE_STARTED, EventPhase.EVENT_PHASE_ENDED),
                events.stream().map(AnomalyEvent::getPhase).toList());
        assertSpan(events.get(0), 9, 10);
        assertSpan(events.get(1), 9, 20);
        assertSpan(events.get(2), 29, 30);
        assertSpan(events.get(3), 29, 31);
        assertEquals(EventEndReason.EVENT_END_REASON_SCORES_FELL, events.get(1).getEndReason());
        assertEquals(31, events.get(3).getPeakSequence());
        assertEquals(events.get(0).getEventId(), events.get(1).getEventId());
        assertEquals(events.get(2).getEventId(), events.get(3).getEventId());
        for (AnomalyEvent event : events) {
            assertEquals("golden-events", event.getStreamId());
            assertEquals("refinevad", event.getModelName());
            assertEquals("unknown", event.getCategory(), "the default model has no calibrated category confidence");
            assertEquals(event.getFirstSequence() * 16, event.getFirstFrame());
            assertEquals(event.getLastSequence() * 16 + 15, event.getLastFrame());
        }
        // Each event follows the score of the segment that caused it: started at 10 and 30, ended at 22 and 33.
        assertEquals(List.of(10L, 22L, 30L, 33L), events.stream().map(e -> scoreBefore(stream, e)).toList());
        assertEquals(events, sink.of("golden-events"), "the sinks get the same events");
    }

    @Test
    void theOperatorGetsEachStartOnTheAdminPlane() throws Exception {
        long before = AdminGrpc.newBlockingStub(admin).getAnomalyStarts(GetAnomalyStartsRequest.getDefaultInstance())
                .getNext();
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("starts-for-the-operator")
                .send(CLIP.values(), DIM, 0, SEGMENTS).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        AnomalyStarts starts = AdminGrpc.newBlockingStub(admin).getAnomalyStarts(GetAnomalyStartsRequest.newBuilder()
                .setAfter(before).build());
        List<AnomalyEvent> started = stream.events().stream()
                .filter(e -> e.getPhase() == EventPhase.EVENT_PHASE_STARTED).toList();
        assertEquals(started, starts.getStartedList().stream()
                .filter(e -> e.getStreamId().equals("starts-for-the-operator")).toList());
    }

    @Test
    void anAnomalyOpenWhenTheStreamEndsIsEndedBeforeTheCallEnds() throws Exception {
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("ends-mid-anomaly")
                .send(CLIP.values(), DIM, 0, 15).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        StreamResponse last = stream.responses.get(stream.responses.size() - 1);
        assertEquals(EventPhase.EVENT_PHASE_ENDED, last.getEvent().getPhase());
        assertEquals(EventEndReason.EVENT_END_REASON_STREAM_ENDED, last.getEvent().getEndReason());
        assertSpan(last.getEvent(), 9, 14);
    }

    @Test
    void aClientThatGoesAwayMidAnomalyStillEndsItAtTheSinks() throws Exception {
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("gone-mid-anomaly")
                .send(CLIP.values(), DIM, 0, 15);
        await().atMost(Duration.ofSeconds(30)).until(() -> stream.scores().size() == 15);
        stream.cancel();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<AnomalyEvent> published = sink.of("gone-mid-anomaly");
            assertEquals(2, published.size(), published::toString);
            assertEquals(EventEndReason.EVENT_END_REASON_STREAM_ENDED, published.get(1).getEndReason());
        });
    }

    private static void assertSpan(AnomalyEvent event, long first, long last) {
        assertEquals(first, event.getFirstSequence(), event::toString);
        assertEquals(last, event.getLastSequence(), event::toString);
    }

    /** The sequence of the score sent right before the event. */
    private static long scoreBefore(RecordingStream stream, AnomalyEvent event) {
        int at = stream.responses.indexOf(StreamResponse.newBuilder().setEvent(event).build());
        return stream.responses.get(at - 1).getScore().getSequence();
    }
}
