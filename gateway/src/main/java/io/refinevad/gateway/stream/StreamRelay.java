package io.refinevad.gateway.stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.quarkus.logging.Log;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.SegmentScore;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.gateway.pods.Pod;
import io.refinevad.gateway.pods.ScoringPod;
import io.refinevad.gateway.pods.ScoringPods;
import io.refinevad.gateway.stream.StreamMetrics.MoveReason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One camera's StreamScores call through the gateway: one unbroken, exactly-once, ordered stream, whichever pods
 * score it. Segments go to the current pod and into the stream's {@link SegmentLog}. When the pod hands the stream
 * back (StreamDraining, then the end of its call) or its call fails (UNAVAILABLE: the pod died, its connection was
 * lost, it refuses new streams), the stream re-opens on another pod at {@code first_sequence} W - 1 segments before
 * the first unanswered one, replays the kept segments (their answers are duplicates, dropped) and sends those still
 * awaiting answers once more. The rebalancer moves a stream the same way ({@link #moveTo}). Whatever else a pod
 * answers, the camera gets unchanged: its StreamOpened (the first only), its scores, and the status it ends the call
 * with.
 *
 * <p>All state is guarded by this object: the camera's messages and the pods' answers arrive on different threads.
 */
final class StreamRelay implements StreamObserver<StreamRequest> {
    /** Rows per replayed message: well below the pods' refinevad.streams.max-segments-per-message (256). */
    private static final int REPLAY_ROWS = 64;
    private static final long RETRY_MILLIS = 200;

    private final ServerCallStreamObserver<StreamResponse> camera;
    /** The event loop running the camera's call, if one of the gateway's: its pod calls use that loop's connection. */
    private final Optional<EventLoop> cameraLoop;
    private final ScoringPods pods;
    private final StreamSlots slots;
    private final StreamMetrics metrics;
    private final StreamSettings settings;
    private final SegmentLog log;
    /** The gateway's relays with a stream open: this one from its creation to its release. */
    private final Set<StreamRelay> openRelays;
    /** Pods that failed this stream since its last progress: tried last. */
    private final Set<Pod> failedPods = new HashSet<>();
    private OpenStream open;
    private boolean slotTaken;
    private Upstream upstream;
    /** The next sequence the camera is owed an answer for. */
    private long nextAnswer;
    /** W from the first pod's StreamOpened: the window a re-opened stream needs W - 1 segments to rebuild. */
    private int window = 1;
    private boolean cameraOpened;
    private boolean cameraInputDone;
    private boolean finished;
    /** The resume token of this stream's session on {@code tokenPod}: a re-open there takes that session over. */
    private String token = "";
    private Pod tokenPod;
    /** Where the rebalancer asked this stream to go on its current move; null when it did not. */
    private ScoringPod plannedPod;
    /** Since the stream's last progress lost its pod: when it stops looking for another (nanoTime); else 0. */
    private long moveDeadline;
    /**
     * Until the stream has its first pod (it may wait for one still being learnt, ScoringPods.anyLearning): the
     * camera's messages so far, the first one first, sent as they are once a pod takes the stream; null after.
     */
    private List<StreamRequest> awaitingFirstPod;

    StreamRelay(ServerCallStreamObserver<StreamResponse> camera, Optional<EventLoop> cameraLoop, ScoringPods pods,
                StreamSlots slots, StreamMetrics metrics, StreamSettings settings, Set<StreamRelay> openRelays) {
        this.camera = camera;
        this.cameraLoop = cameraLoop;
        this.pods = pods;
        this.slots = slots;
        this.metrics = metrics;
        this.settings = settings;
        this.log = new SegmentLog(metrics.keptSegments);
        this.openRelays = openRelays;
        openRelays.add(this);
        camera.setOnCancelHandler(this::cameraGone);
    }

    // ---- the camera's side ----

    @Override
    public synchronized void onNext(StreamRequest request) {
        if (finished) {
            return;
        }
        if (upstream == null && open == null) {
            first(request);
            return;
        }
        if (request.hasSegments() && open != null) {
            log.append(request.getSegments());
            long awaiting = log.end() - nextAnswer;
            if (awaiting > settings.maxInFlight()) {
                finish(Status.RESOURCE_EXHAUSTED.withDescription("stream '" + open.getStreamId() + "' has " + awaiting
                        + " segments awaiting their answers; this gateway holds at most " + settings.maxInFlight()
                        + " per stream (refinevad.gateway.streams.max-in-flight): wait for answers before sending more"));
                return;
            }
        }
        if (upstream != null && upstream.accepting()) {
            upstream.send(request);  // as the camera sent it: a pod refuses a bad message with its own words
        } else if (awaitingFirstPod != null) {
            if (awaitingFirstPod.size() > settings.maxInFlight()) {
                finish(Status.RESOURCE_EXHAUSTED.withDescription("stream '" + open.getStreamId() + "' sent "
                        + awaitingFirstPod.size() + " messages before a pod could take it; this gateway holds at most "
                        + settings.maxInFlight() + " (refinevad.gateway.streams.max-in-flight)"));
                return;
            }
            awaitingFirstPod.add(request);
        }
    }

    /**
     * The call's first message: an OpenStream naming a model the pods serve (or none) takes a slot and a pod; anything
     * else goes to a pod to refuse.
     */
    private void first(StreamRequest request) {
        if (request.hasOpen()) {
            Optional<Status> notServed = pods.notServed(request.getOpen().getModel(), "");
            if (notServed.isPresent()) {
                finish(notServed.get());
                return;
            }
            try {
                slots.take();
            } catch (StatusRuntimeException full) {
                finish(full.getStatus());
                return;
            }
            slotTaken = true;
            open = request.getOpen();
            nextAnswer = open.getFirstSequence();
        }
        awaitingFirstPod = new ArrayList<>(List.of(request));
        moveDeadline = System.nanoTime() + settings.moveTimeout().toNanos();
        placeFirst();
    }

    /**
     * Places the stream on its first pod and sends it the camera's messages so far, as they came. With no pod to take
     * it yet, an opened stream waits while some pod is still being learnt, for at most the move timeout; then, or when
     * none is, the camera is told there is no ready pod, as it would have been at once.
     */
    private synchronized void placeFirst() {
        if (finished) {
            return;
        }
        Optional<ScoringPod> pod = pods.placeStream(Set.of());
        if (pod.isPresent()) {
            upstream = Upstream.open(pod.get(), cameraLoop, this);
            awaitingFirstPod.forEach(upstream::send);
            awaitingFirstPod = null;
            moveDeadline = 0;
            if (cameraInputDone) {
                upstream.closeInput();
            }
        } else if (open != null && pods.anyLearning() && System.nanoTime() - moveDeadline < 0) {
            settings.retries().schedule(this::placeFirst, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            finish(pods.noReadyPod());
        }
    }

    @Override
    public synchronized void onError(Throwable failure) {
        cameraGone();
    }

    @Override
    public synchronized void onCompleted() {
        cameraInputDone = true;
        if (upstream != null && upstream.accepting()) {
            upstream.closeInput();
        } else if (upstream == null && open == null) {
            finish(Status.OK);  // nothing asked, nothing owed
        }
    }

    private synchronized void cameraGone() {
        if (!finished) {
            finished = true;
            release();
        }
    }

    // ---- the pods' side ----

    synchronized void answered(Upstream from, StreamResponse response) {
        if (from != upstream || finished) {
            return;
        }
        if (response.hasOpened()) {
            from.opened = true;
            window = Math.max(1, response.getOpened().getWindow());
            token = response.getOpened().getResumeToken();
            tokenPod = from.pod.pod();
            progress();
            if (!cameraOpened) {
                cameraOpened = true;
                camera.onNext(response);
            }
        } else if (response.hasScore()) {
            forward(response.getScore(), response);
        } else if (response.hasDraining()) {
            from.handedBack = true;
            pods.suspect(from.pod);
        } else {
            camera.onNext(response);
        }
    }

    private void forward(SegmentScore score, StreamResponse response) {
        if (open != null && Long.compareUnsigned(score.getSequence(), nextAnswer) < 0) {
            metrics.duplicateDropped();  // a replayed segment's: the camera had it from the pod before
            return;
        }
        camera.onNext(response);
        progress();
        nextAnswer = score.getSequence() + 1;
        log.forgetBefore(nextAnswer - (window - 1));
    }

    private void progress() {
        failedPods.clear();
        moveDeadline = 0;
    }

    synchronized void ended(Upstream from, Status status) {
        if (from != upstream || finished) {
            return;
        }
        boolean leftWhenAsked = from.handedBack || (from.leaving && status.isOk());
        if (leftWhenAsked && status.isOk() && cameraInputDone && log.end() == nextAnswer) {
            finish(Status.OK);  // ended after the last answer the camera was owed: nothing left to move
            return;
        }
        if (open != null && (leftWhenAsked || movableFailure(from, status))) {
            if (!leftWhenAsked) {
                pods.suspect(from.pod);
                failedPods.add(from.pod.pod());
                Log.debugf("stream '%s' lost pod %s (%s): moving it", open.getStreamId(), from.pod.pod(), status);
            }
            metrics.moved(from.handedBack ? MoveReason.DRAIN : leftWhenAsked ? MoveReason.REBALANCE
                    : MoveReason.FAILURE);
            upstream = null;
            if (moveDeadline == 0) {
                moveDeadline = System.nanoTime() + settings.moveTimeout().toNanos();
            }
            move();
            return;
        }
        finish(status);
    }

    /**
     * Failed in a way another pod may not: UNAVAILABLE (the pod died or drains, its connection was lost), or
     * RESOURCE_EXHAUSTED before it opened (the pod is full).
     */
    private boolean movableFailure(Upstream from, Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE
                || (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && !from.opened);
    }

    /** Re-opens the stream on another pod, or waits for one until the move's deadline. */
    private void move() {
        if (finished || upstream != null) {
            return;
        }
        Optional<ScoringPod> pod = plannedPlace().or(() -> pods.placeStream(failedPods))
                .or(() -> pods.placeStream(Set.of()));
        if (pod.isEmpty()) {
            if (System.nanoTime() - moveDeadline < 0) {
                settings.retries().schedule(this::retryMove, RETRY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            finish(pods.noReadyPod().augmentDescription("the stream had to leave pod " + tokenPod + "; "
                    + whereToResume()));
            return;
        }
        reopenOn(pod.get());
    }

    /** The pod the rebalancer chose, once, if it can still take the stream. */
    private Optional<ScoringPod> plannedPlace() {
        ScoringPod planned = plannedPod;
        plannedPod = null;
        return planned != null && pods.placeOn(planned) ? Optional.of(planned) : Optional.empty();
    }

    /**
     * Moves the stream from {@code from} to {@code to} of the gateway's own will (rebalancing), if it is open on
     * {@code from}, settled (opened there, not moving) and the camera still sends; returns whether it moves.
     *
     * <p>It moves as a handed-back stream does: the gateway closes the old call's input and sends it nothing more;
     * the pod answers every segment it accepted and ends the call; only then does the stream re-open on {@code to},
     * replaying the W - 1 answered segments and sending those the camera sent meanwhile (kept in the log). The other
     * order, the new call opened before the old one has answered, would have two pods score the same segments at
     * once and interleave their answers, needing a second, untested way to decide which answer the camera gets;
     * this one is the drain's path, whose exactly-once order is tested, at the cost of one pause of the answers
     * in flight at the old pod. A camera that has closed its input is not moved: its stream is ending anyway.
     */
    synchronized boolean moveTo(Pod from, ScoringPod to) {
        if (finished || cameraInputDone || open == null || upstream == null || !upstream.opened
                || !upstream.accepting() || !upstream.pod.pod().equals(from)) {
            return false;
        }
        plannedPod = to;
        upstream.leaving = true;
        upstream.closeInput();
        return true;
    }

    /**
     * The gateway is shutting down: the stream ends UNAVAILABLE saying where to resume, on another gateway replica,
     * instead of losing its connection with no word.
     */
    synchronized void gatewayStopping() {
        if (!finished) {
            finish(Status.UNAVAILABLE.withDescription("this gateway is shutting down; open the stream again on another "
                    + "gateway replica" + (open == null ? "" : ": " + whereToResume())));
        }
    }

    /** What a camera must do to go on elsewhere: the protocol every client that resumes follows (docs/GATEWAY.md). */
    private String whereToResume() {
        return "every segment before " + Long.toUnsignedString(nextAnswer) + " was answered: resume from it "
                + "(OpenStream.first_sequence) after replaying the W - 1 segments before it";
    }

    private synchronized void retryMove() {
        move();
    }

    private void reopenOn(ScoringPod pod) {
        long resumeFrom = log.isEmpty() ? nextAnswer : Math.max(log.first(), nextAnswer - (window - 1));
        upstream = Upstream.open(pod, cameraLoop, this);
        upstream.send(StreamRequest.newBuilder().setOpen(open.toBuilder().setFirstSequence(resumeFrom)
                .setResumeToken(pod.pod().equals(tokenPod) ? token : "")).build());
        for (Segments segments : log.from(resumeFrom, REPLAY_ROWS)) {
            upstream.send(StreamRequest.newBuilder().setSegments(segments).build());
        }
        if (cameraInputDone) {
            upstream.closeInput();
        }
    }

    private void finish(Status status) {
        finished = true;
        release();
        if (status.isOk()) {
            camera.onCompleted();
        } else {
            camera.onError(Status.fromCode(status.getCode()).withDescription(status.getDescription())
                    .asRuntimeException());
        }
    }

    private void release() {
        openRelays.remove(this);
        log.clear();
        if (slotTaken) {
            slotTaken = false;
            slots.release();
        }
        if (upstream != null) {
            upstream.cancel("the camera's stream ended");  // no-op when the pod ended it
        }
    }
}
