package io.refinevad.server.stream;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
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
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.features.FeatureDecoder;
import io.refinevad.server.model.ModelManifest;
import java.time.Duration;

/**
 * One StreamScores call. Segments are accepted in sequence order, each scored from the causal window that ends
 * at it, and answered exactly once, in order. A bad message ends the call with INVALID_ARGUMENT, but only after
 * every segment accepted before it has been answered: a client's mistake never loses its accepted work, and one
 * stream's mistakes never touch another stream.
 */
public final class StreamSession implements StreamObserver<StreamRequest> {
    private static final int MAX_STREAM_ID = 128;

    private final StreamObserver<StreamResponse> responses;
    private final StreamRegistry registry;
    private final DynamicBatcher batcher;
    private final NanoClock clock;
    private final ModelManifest manifest;
    private final FeatureDecoder decoder;

    private String streamId;
    private StreamWindow window;
    private long nextSequence;
    private int pending;
    private boolean inputEnded;
    private boolean handedBack;
    private StatusRuntimeException failure;
    private boolean finished;
    private long lastMessageNanos;

    public StreamSession(StreamObserver<StreamResponse> responses, StreamRegistry registry, DynamicBatcher batcher,
                         NanoClock clock, ModelManifest manifest, int maxSegmentsPerMessage) {
        this.responses = responses;
        this.registry = registry;
        this.batcher = batcher;
        this.clock = clock;
        this.manifest = manifest;
        this.decoder = new FeatureDecoder(manifest.featureDim(), maxSegmentsPerMessage);
        this.lastMessageNanos = clock.nanoTime();
    }

    @Override
    public synchronized void onNext(StreamRequest request) {
        long received = clock.nanoTime();
        lastMessageNanos = received;
        if (failure != null || finished || handedBack) {
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
        registry.open(id, this);
        streamId = id;
        window = new StreamWindow(manifest.window(), manifest.featureDim());
        nextSequence = open.getFirstSequence();
        responses.onNext(StreamResponse.newBuilder().setOpened(StreamOpened.newBuilder()
                .setStreamId(id)
                .setModelName(manifest.name())
                .setModelVersion(manifest.version())
                .setWindow(manifest.window())
                .setFeatureDim(manifest.featureDim())
                .addAllCategories(manifest.categories())).build());
    }

    private void accept(Segments segments, long received) {
        if (streamId == null) {
            throw GrpcErrors.invalidArgument("the first message must open the stream (open.stream_id) before "
                    + "segments arrive");
        }
        if (segments.getFirstSequence() != nextSequence) {
            throw GrpcErrors.invalidArgument("segments.first_sequence is " + segments.getFirstSequence()
                    + "; expected " + nextSequence + " (sequence numbers continue without gaps or repeats)");
        }
        float[] features = decoder.decode(segments.getFeatures(), "segments.features");
        int count = segments.getFeatures().getSegments();
        for (int row = 0; row < count; row++) {
            window.append(features, row);
            long sequence = nextSequence;
            try {
                batcher.submit(new ScoringJob(window.snapshot(), window.length(),
                        result -> answer(sequence, result, received), this::engineFailed));
            } catch (QueueFullException e) {
                throw GrpcErrors.resourceExhausted(e.getMessage() + "; segments from " + sequence
                        + " on were not accepted");
            }
            nextSequence++;
            pending++;
        }
    }

    private synchronized void answer(long sequence, JobResult result, long received) {
        float[] probs = result.probs();
        SegmentScore.Builder score = SegmentScore.newBuilder()
                .setSequence(sequence)
                .setScore(result.lastScore())
                .setTiming(result.timing(received, clock.nanoTime()));
        for (float p : probs) {
            score.addCategoryEvidence(p);
        }
        responses.onNext(StreamResponse.newBuilder().setScore(score).build());
        registry.scored();
        pending--;
        finishIfDone();
    }

    private synchronized void engineFailed(Throwable error) {
        pending--;
        failAfterPending(GrpcErrors.engineFailed(error));
    }

    @Override
    public synchronized void onError(Throwable error) {
        // The client went away: nothing can be delivered any more.
        finished = true;
        release();
    }

    @Override
    public synchronized void onCompleted() {
        inputEnded = true;
        finishIfDone();
    }

    /**
     * Drain: tell the client which segment was the last accepted here, answer up to it, then end the call, so the
     * client resumes from the next sequence on another replica. Later messages on this call are ignored.
     */
    synchronized void handBack(String reason) {
        if (finished || failure != null || handedBack || streamId == null) {
            return;
        }
        handedBack = true;
        responses.onNext(StreamResponse.newBuilder().setDraining(StreamDraining.newBuilder()
                .setLastAcceptedSequence(nextSequence - 1).setReason(reason)).build());
        inputEnded = true;
        finishIfDone();
    }

    /** Ends a stream whose client has sent nothing for `timeout`, once its accepted segments are answered. */
    synchronized void endIfIdle(Duration timeout) {
        if (!finished && failure == null && clock.nanoTime() - lastMessageNanos > timeout.toNanos()) {
            failAfterPending(GrpcErrors.deadlineExceeded("stream '" + streamId + "' sent nothing for "
                    + timeout.toMillis() + " ms (refinevad.streams.idle-timeout); open it again to continue"));
        }
    }

    private void failAfterPending(StatusRuntimeException error) {
        if (failure == null) {
            failure = error;
        }
        finishIfDone();
    }

    private void finishIfDone() {
        if (finished || pending > 0 || (!inputEnded && failure == null)) {
            return;
        }
        finished = true;
        release();
        if (failure != null) {
            responses.onError(failure);
        } else {
            responses.onCompleted();
        }
    }

    private void release() {
        if (streamId != null) {
            registry.close(streamId, this);
        }
    }
}
