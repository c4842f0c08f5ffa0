package io.refinevad.server.stream;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import io.refinevad.api.events.AnomalyEventDetector;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventEndReason;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.SegmentScore;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamDraining;
import io.refinevad.api.v1.StreamOpened;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.JobResult;
import io.refinevad.server.batching.NanoClock;
import io.refinevad.server.batching.QueueFullException;
import io.refinevad.server.batching.ScoringFailure;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.events.StreamEvents;
import io.refinevad.server.features.FeatureDecoder;
import io.refinevad.server.model.ModelManifest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One StreamScores call. Segments are accepted in sequence order, each scored from the causal window that ends
 * at it, and answered exactly once, in order. A bad message ends the call with INVALID_ARGUMENT, but only after
 * every segment accepted before it has been answered: a client's mistake never loses its accepted work, and one
 * stream's mistakes never touch another stream. A client that goes away (cancels, disconnects, lets its deadline
 * pass) is normal: the answers it can no longer receive are counted as dropped, not written to a dead call.
 *
 * <p>However the call ends, {@link #end()} runs exactly once, before the client can see the end: it releases the
 * stream's slot, its id and its window, so a camera may reopen its id as soon as its call is over.
 *
 * <p>A newer call that opens the same stream id with the session's resume token takes the session over while its
 * call is still open here (a camera whose network path died before the server noticed): the old call ends ABORTED,
 * and the new one continues the window and the sequence numbers. It may resume at any sequence from the oldest
 * accepted segment whose answer the session still holds up to the next one to accept: the session gives again the
 * answers from there (it keeps the last W - 1 + {@value #ANSWERS_KEPT_BEYOND_WINDOW}), and the segments the client
 * sends again below the next one to accept are skipped, not scored twice.
 *
 * <p>Each score also goes through the stream's anomaly event detector: an event follows the score that caused it on
 * the call, and goes to the server's event sinks. An anomaly still open when the call ends is ended, on the call
 * before its status when the call ends in order (STREAM_MOVED on a drain), and at the sinks however it ends. A
 * takeover carries the detector over, so an anomaly goes on across it; its events are not given again.
 */
public final class StreamSession implements StreamObserver<StreamRequest> {
    private static final int MAX_STREAM_ID = 128;
    /**
     * Answers a takeover can give again beyond the W - 1 a resuming camera replays to rebuild a window: those that
     * were in flight to a peer whose path died (a camera at a few segments per second loses a few seconds' worth
     * before keepalive notices).
     */
    static final int ANSWERS_KEPT_BEYOND_WINDOW = 256;

    private final ServerCallStreamObserver<StreamResponse> responses;
    private final StreamRegistry registry;
    private final DynamicBatcher batcher;
    private final NanoClock clock;
    private final ModelManifest manifest;
    private final AlarmSettings alarms;
    private final FeatureDecoder decoder;
    private final StreamEvents events;
    /**
     * Responses waiting for the client's flow control: gRPC gets them only while the call is ready, so a slow
     * client's backlog stays here, where it can be counted if the client goes away, rather than in the transport.
     */
    private final Deque<StreamResponse> outbox = new ArrayDeque<>();
    /** The last answers this session produced, delivered or not, oldest first: what a takeover can give again. */
    private Deque<StreamResponse> answers = new ArrayDeque<>();

    /** Volatile: a newer call's open compares it without this session's lock; null until the stream opens. */
    private volatile String resumeToken;
    /** The call that took this session over: answers still being scored go there. */
    private StreamSession successor;

    /** Volatile: the registry counts the calls still waiting for their OpenStream without taking this lock. */
    private volatile String streamId;
    private StreamWindow window;
    /**
     * The stream's anomaly events; null until the stream opens, after the session ends or is taken over, and when
     * events are off.
     */
    private AnomalyEventDetector eventDetector;
    /** The sequence numbers are uint64 on the wire: compared for equality and printed unsigned, never ordered. */
    private long firstSequence;
    /** The next sequence to accept. */
    private long nextSequence;
    /** The sequence the client's next segment must carry: behind nextSequence only after a takeover, by re-sends. */
    private long clientNext;
    /** The first sequence this call answers: after a takeover, answers still being scored for earlier ones are not its. */
    private long answersFrom;
    private int pending;
    private boolean inputEnded;
    private boolean handedBack;
    private StatusRuntimeException failure;
    private boolean ended;
    /** When the client last sent a message: a stream silent for the idle timeout is ended. */
    private long lastMessageNanos;
    /** When the call last moved (a message in, an answer out, the start of its end): a stuck end is abandoned. */
    private long lastProgressNanos;

    /** Must be created while gRPC starts the call: it registers the call's ready, cancel and close handlers. */
    public StreamSession(ServerCallStreamObserver<StreamResponse> responses, StreamRegistry registry,
                         DynamicBatcher batcher, NanoClock clock, ModelManifest manifest, AlarmSettings alarms,
                         FeatureDecoder decoder, StreamEvents events) {
        this.responses = responses;
        this.registry = registry;
        this.batcher = batcher;
        this.clock = clock;
        this.manifest = manifest;
        this.alarms = alarms;
        this.decoder = decoder;
        this.events = events;
        this.lastMessageNanos = clock.nanoTime();
        this.lastProgressNanos = lastMessageNanos;
        responses.setOnReadyHandler(this::flush);
        responses.setOnCancelHandler(this::clientWentAway);
        // Every close this session makes has ended it already; this catches a close made by anything else.
        responses.setOnCloseHandler(this::closed);
        registry.started(this);
    }

    @Override
    public synchronized void onNext(StreamRequest request) {
        long received = clock.nanoTime();
        lastMessageNanos = received;
        lastProgressNanos = received;
        if (failure != null || ended || handedBack) {
            return;  // the call is ending; later messages are ignored (after a drain the client resumes elsewhere)
        }
        try {
            switch (request.getKindCase()) {
                case OPEN -> open(request.getOpen());
                case SEGMENTS -> accept(request.getSegments(), received);
                default -> throw GrpcErrors.invalidArgument("a request must carry open or segments");
            }
        } catch (StatusRuntimeException e) {
            failAfterPending(e);
        }
    }

    private void open(OpenStream open) {
        if (streamId != null) {
            throw GrpcErrors.invalidArgument("the stream is already open; send OpenStream once, as the first message");
        }
        String id = open.getStreamId();
        if (id.isEmpty() || id.length() > MAX_STREAM_ID) {
            throw GrpcErrors.invalidArgument("open.stream_id has " + id.length() + " characters; allowed: 1 to "
                    + MAX_STREAM_ID);
        }
        if (!open.getModel().isEmpty() && !open.getModel().equals(manifest.name())) {
            throw GrpcErrors.modelNotServed(open.getModel(), "", manifest.name(), manifest.version());
        }
        Takeover takeover = registry.open(id, open.getResumeToken(), open.getFirstSequence(), this);
        streamId = id;
        clientNext = open.getFirstSequence();
        answersFrom = clientNext;
        if (takeover == null) {
            resumeToken = ResumeToken.fresh();
            window = new StreamWindow(manifest.window(), manifest.featureDim());
            eventDetector = events.detectorFor(id).orElse(null);
            firstSequence = clientNext;
            nextSequence = clientNext;
        } else {
            window = takeover.window();
            eventDetector = takeover.eventDetector();
            firstSequence = takeover.firstSequence();
            nextSequence = takeover.nextSequence();
            pending += takeover.pending();
            answers = takeover.answers();
        }
        send(StreamResponse.newBuilder().setOpened(StreamOpened.newBuilder()
                .setStreamId(id)
                .setModelName(manifest.name())
                .setModelVersion(manifest.version())
                .setWindow(manifest.window())
                .setFeatureDim(manifest.featureDim())
                .addAllCategories(manifest.categories())
                .setResumeToken(resumeToken)
                .setAlarms(alarms)).build());
        if (takeover != null) {
            takeover.replay().forEach(this::send);
        }
    }

    /** Whether `offered` is this session's resume token. */
    boolean resumableWith(String offered) {
        String token = resumeToken;
        return token != null && !offered.isEmpty() && ResumeToken.matches(token, offered);
    }

    /**
     * Hands this session to `next`, a newer call that gave its resume token and asks to resume at `from`, and ends
     * this call with ABORTED. Null if this call ended meanwhile: its id is free and `next` starts afresh. Runs under
     * the registry's lock, so no other call can open the id in between.
     */
    synchronized Takeover handOver(StreamSession next, long from) {
        if (ended) {
            return null;
        }
        long heldFrom = nextSequence - pending - answers.size();
        if (Long.compareUnsigned(from, nextSequence) > 0) {
            throw GrpcErrors.invalidArgument("open.first_sequence is " + Long.toUnsignedString(from)
                    + ", but stream '" + streamId + "' accepted segments only up to "
                    + Long.toUnsignedString(nextSequence - 1) + " here; resume at or before "
                    + Long.toUnsignedString(nextSequence));
        }
        if (Long.compareUnsigned(from, heldFrom) < 0) {
            throw GrpcErrors.outOfRange("open.first_sequence is " + Long.toUnsignedString(from) + ", but stream '"
                    + streamId + "' can give answers again only from " + Long.toUnsignedString(heldFrom)
                    + " here (it keeps the last W - 1 + " + ANSWERS_KEPT_BEYOND_WINDOW + "); resume from "
                    + Long.toUnsignedString(heldFrom) + " to " + Long.toUnsignedString(nextSequence)
                    + ", or open the stream afresh once this call has ended");
        }
        List<StreamResponse> replay = answers.stream().skip(from - heldFrom).toList();
        Takeover takeover = new Takeover(resumeToken, window, eventDetector, firstSequence, nextSequence, pending,
                answers, replay);
        eventDetector = null;  // the anomaly goes on in the new call: ending this one must not end it
        next.resumeToken = resumeToken;
        successor = next;
        pending = 0;
        answers = new ArrayDeque<>();
        // Every score in it is in the replay (not delivered, so at or after the client's resume point); an event in it
        // is lost to the stream, the sinks have it (docs/EVENTS.md).
        outbox.clear();
        end();
        responses.onError(GrpcErrors.aborted("stream '" + streamId + "' was taken over by a newer call that gave "
                + "its resume_token"));
        return takeover;
    }

    private void accept(Segments segments, long received) {
        if (streamId == null) {
            throw GrpcErrors.invalidArgument("the first message must open the stream (open.stream_id) before "
                    + "segments arrive");
        }
        if (segments.getFirstSequence() != clientNext) {
            throw GrpcErrors.invalidArgument("segments.first_sequence is "
                    + Long.toUnsignedString(segments.getFirstSequence()) + "; expected "
                    + Long.toUnsignedString(clientNext) + " (sequence numbers continue without gaps or repeats)");
        }
        float[] features = decoder.decode(segments.getFeatures(), "segments.features");
        int count = segments.getFeatures().getSegments();
        for (int row = 0; row < count; row++) {
            if (clientNext++ != nextSequence) {
                continue;  // sent again after a takeover: accepted before it, and its answer was given again
            }
            window.append(features, row);
            long sequence = nextSequence;
            try {
                batcher.submit(new ScoringJob(window.snapshot(), window.length(),
                        result -> answer(sequence, result, received), this::scoringFailed));
            } catch (QueueFullException e) {
                throw GrpcErrors.resourceExhausted(e.getMessage() + "; segments from "
                        + Long.toUnsignedString(sequence) + " on were not accepted");
            }
            nextSequence++;
            pending++;
        }
    }

    /** A scored segment; after a takeover its answer goes to the call that took the session over. */
    private void answer(long sequence, JobResult result, long received) {
        StreamSession next;
        synchronized (this) {
            if (successor == null) {
                answerHere(sequence, result, received);
                return;
            }
            next = successor;
        }
        next.answer(sequence, result, received);  // outside this lock: the successor takes its own
    }

    private synchronized void answerHere(long sequence, JobResult result, long received) {
        pending--;
        registry.scored();
        if (ended) {
            registry.answersDropped(1);
            return;
        }
        SegmentScore.Builder score = SegmentScore.newBuilder()
                .setSequence(sequence)
                .setScore(result.lastScore())
                .setTiming(result.timing(received, clock.nanoTime()));
        for (float p : result.probs()) {
            score.addCategoryEvidence(p);
        }
        StreamResponse answer = StreamResponse.newBuilder().setScore(score).build();
        answers.add(answer);
        if (answers.size() > manifest.window() - 1 + ANSWERS_KEPT_BEYOND_WINDOW) {
            answers.poll();
        }
        // Observed before anything is sent: sending the last answer may end the call, and with it the detector.
        Optional<AnomalyEvent> event = eventDetector == null ? Optional.empty()
                : eventDetector.observe(sequence, result.lastScore(), result.probs());
        boolean deliver = Long.compareUnsigned(sequence, answersFrom) >= 0;
        if (deliver) {
            outbox.add(answer);
        }
        event.ifPresent(e -> tell(e, deliver));
        if (deliver) {
            flush();
        }
    }

    /** Hands an anomaly event to the sinks and, when the client is to see it, to the outbox. */
    private void tell(AnomalyEvent event, boolean onTheCall) {
        events.publish(event);
        if (onTheCall) {
            outbox.add(StreamResponse.newBuilder().setEvent(event).build());
        }
    }

    private void scoringFailed(ScoringFailure error) {
        StreamSession next;
        synchronized (this) {
            if (successor == null) {
                pending--;
                failAfterPending(GrpcErrors.scoringFailed(error));
                return;
            }
            next = successor;
        }
        next.scoringFailed(error);
    }

    /** The client went away before half-closing; the cancel handler has ended the session already. */
    @Override
    public synchronized void onError(Throwable error) {
        end();
    }

    @Override
    public synchronized void onCompleted() {
        inputEnded = true;
        lastProgressNanos = clock.nanoTime();
        finishIfDone();
    }

    /** The call was cancelled: the client cancelled, its deadline passed or its connection broke. */
    private synchronized void clientWentAway() {
        if (!ended && (!outbox.isEmpty() || pending > 0)) {
            // One line per stream, and only at DEBUG: a client going away is normal; the metric carries the count.
            Log.debugf("stream %s: the client went away with %d answers not yet delivered", streamId,
                    outbox.size() + pending);
        }
        end();
    }

    private synchronized void closed() {
        end();
    }

    /**
     * Drain: tell the client which segment was the last accepted here, answer up to it, then end the call, so the
     * client resumes from the next sequence on another replica. Later messages on this call are ignored. A call
     * that has not opened its stream yet is refused as a new stream would be.
     */
    synchronized void handBack(String reason) {
        if (ended || failure != null || handedBack) {
            return;
        }
        if (streamId == null) {
            failAfterPending(StreamRegistry.drainingRefusal());
            return;
        }
        handedBack = true;
        lastProgressNanos = clock.nanoTime();
        send(StreamResponse.newBuilder().setDraining(StreamDraining.newBuilder()
                .setLastAcceptedSequence(nextSequence - 1).setNoneAccepted(nextSequence == firstSequence)
                .setReason(reason)).build());
        inputEnded = true;
        finishIfDone();
    }

    /**
     * Ends a call whose client has sent nothing for `timeout` (opened or not), once its accepted segments are
     * answered; and abandons a call that is ending but has not moved for `timeout` (a client that takes no
     * answers), counting what it never took, so that it cannot hold its slot or a drain forever.
     */
    synchronized void endIfIdle(Duration timeout) {
        long now = clock.nanoTime();
        if (ended) {
            return;
        }
        boolean ending = inputEnded || failure != null;
        if (!ending && now - lastMessageNanos > timeout.toNanos()) {
            failAfterPending(GrpcErrors.deadlineExceeded((streamId == null ? "the call sent no OpenStream"
                    : "stream '" + streamId + "' sent nothing") + " for " + timeout.toMillis()
                    + " ms (refinevad.streams.idle-timeout); open it again to continue"));
        } else if (ending && now - lastProgressNanos > timeout.toNanos()) {
            Log.debugf("stream %s: the client took no answer for %d ms; ended with %d answers not delivered",
                    streamId, timeout.toMillis(), outbox.size() + pending);
            StatusRuntimeException status = failure != null ? failure : GrpcErrors.deadlineExceeded(
                    "the client took no answer for " + timeout.toMillis() + " ms (refinevad.streams.idle-timeout)");
            end();
            responses.onError(status);
        }
    }

    /** Whether the call has not sent its OpenStream yet. */
    boolean awaitingOpen() {
        return streamId == null;
    }

    private void send(StreamResponse response) {
        outbox.add(response);
        flush();
    }

    private synchronized void flush() {
        boolean delivered = false;
        while (!ended && !outbox.isEmpty() && responses.isReady()) {
            responses.onNext(outbox.poll());
            delivered = true;
        }
        if (delivered) {
            lastProgressNanos = clock.nanoTime();
        }
        finishIfDone();
    }

    private void failAfterPending(StatusRuntimeException error) {
        if (failure == null) {
            failure = error;
            lastProgressNanos = clock.nanoTime();
        }
        finishIfDone();
    }

    private void finishIfDone() {
        if (ended || pending > 0 || !outbox.isEmpty() || (!inputEnded && failure == null)) {
            return;
        }
        if (endOpenAnomaly(handedBack ? EventEndReason.EVENT_END_REASON_STREAM_MOVED
                : EventEndReason.EVENT_END_REASON_STREAM_ENDED)) {
            flush();  // the call ends once the client has taken the anomaly's end
            return;
        }
        end();
        if (failure != null) {
            responses.onError(failure);
        } else {
            responses.onCompleted();
        }
    }

    /**
     * Ends the stream's open anomaly, if any: its ENDED event goes to the sinks and, while the call lasts, to the
     * outbox. Whether there was one.
     */
    private boolean endOpenAnomaly(EventEndReason reason) {
        if (eventDetector == null) {
            return false;
        }
        Optional<AnomalyEvent> closed = eventDetector.close(reason);
        closed.ifPresent(event -> tell(event, !ended));
        return closed.isPresent();
    }

    /**
     * The call is over for this server: its slot, id and window are released, once, and answers still in the
     * batcher will be counted as dropped.
     */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        endOpenAnomaly(EventEndReason.EVENT_END_REASON_STREAM_ENDED);  // the sinks' only word of its end
        eventDetector = null;
        registry.answersDropped(outbox.size());
        outbox.clear();
        window = null;
        registry.ended(this, streamId);
    }
}
