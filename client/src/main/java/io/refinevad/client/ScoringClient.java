package io.refinevad.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoreRequest;
import io.refinevad.api.v1.ScoreResponse;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A client of one scoring server: whole clips, live streams paced like cameras, and the model's description. */
public final class ScoringClient implements AutoCloseable {
    private final ManagedChannel channel;
    // One sender thread per camera: pacing sleeps and in-flight waits block, so a shared small pool would serialise.
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "refinevad-camera");
        thread.setDaemon(true);
        return thread;
    });

    public ScoringClient(String target) {
        // Answers are handled on the transport's thread: the collectors only record and never block, and a hop to
        // an executor per answer cost the load generator about a quarter of its CPU (docs/PERFORMANCE.md).
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
    }

    public ModelInfo modelInfo() {
        return ScoringGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getModelInfo(GetModelInfoRequest.getDefaultInstance());
    }

    public ScoreResponse score(float[] matrix, int segments, int dim) {
        return ScoringGrpc.newBlockingStub(channel).score(ScoreRequest.newBuilder()
                .setFeatures(Features.rows(matrix, dim, 0, segments)).build());
    }

    /** With no rate, this many segments may await their answer at once: as fast as answers allow. */
    static final int MAX_IN_FLIGHT = 8;

    /**
     * Streams a [segments, dim] matrix as a live camera: one segment every 1/segmentsPerSecond seconds, or, when
     * the rate is 0, as fast as answers allow (at most MAX_IN_FLIGHT unanswered); then waits for every answer.
     */
    public CompletableFuture<StreamResult> stream(String streamId, float[] matrix, int segments, int dim,
                                                  double segmentsPerSecond) {
        Collector collector = new Collector(streamId, segments);
        StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(channel).streamScores(collector);
        senders.execute(() -> {
            try {
                send(requests, collector, streamId, matrix, segments, dim, segmentsPerSecond);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requests.onError(e);
            }
        });
        return collector.result;
    }

    private static void send(StreamObserver<StreamRequest> requests, Collector collector, String streamId,
                             float[] matrix, int segments, int dim, double segmentsPerSecond)
            throws InterruptedException {
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(streamId)).build());
        long periodNanos = segmentsPerSecond > 0 ? (long) (1e9 / segmentsPerSecond) : 0;
        long next = System.nanoTime();
        for (int t = 0; t < segments && !collector.result.isDone() && collector.handedBackAfter < 0; t++) {
            if (periodNanos == 0 && !collector.inFlight.tryAcquire(1, TimeUnit.MINUTES)) {
                break;
            }
            collector.sent[t] = System.nanoTime();
            requests.onNext(StreamRequest.newBuilder().setSegments(Segments.newBuilder()
                    .setFirstSequence(t).setFeatures(Features.rows(matrix, dim, t, t + 1))).build());
            next += periodNanos;
            sleepUntil(next);
        }
        requests.onCompleted();
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Collector implements StreamObserver<StreamResponse> {
        final CompletableFuture<StreamResult> result = new CompletableFuture<>();
        final String streamId;
        final long[] sent;
        final float[] scores;
        final float[][] evidence;
        final long[] latency;
        List<String> categories = List.of();
        int answered;
        volatile long handedBackAfter = -1;
        final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

        Collector(String streamId, int segments) {
            this.streamId = streamId;
            this.sent = new long[segments];
            this.scores = new float[segments];
            this.evidence = new float[segments][];
            this.latency = new long[segments];
        }

        @Override
        public void onNext(StreamResponse response) {
            if (response.hasOpened()) {
                categories = new ArrayList<>(response.getOpened().getCategoriesList());
            } else if (response.hasScore()) {
                int t = (int) response.getScore().getSequence();
                scores[t] = response.getScore().getScore();
                evidence[t] = toArray(response.getScore().getCategoryEvidenceList());
                latency[t] = (System.nanoTime() - sent[t]) / 1000;
                answered++;
                inFlight.release();
            } else if (response.hasDraining()) {
                handedBackAfter = response.getDraining().getLastAcceptedSequence();
            }
        }

        @Override
        public void onError(Throwable error) {
            finish(Status.fromThrowable(error));
        }

        @Override
        public void onCompleted() {
            long expected = handedBackAfter >= 0 ? handedBackAfter + 1 : scores.length;
            if (answered != expected) {
                finish(Status.DATA_LOSS.withDescription(answered + " of " + expected + " accepted segments answered"));
            } else if (handedBackAfter >= 0) {
                finish(Status.UNAVAILABLE.withDescription("the server drained and handed the stream back after "
                        + "segment " + handedBackAfter + "; all " + answered + " accepted segments were answered"));
            } else {
                finish(Status.OK);
            }
        }

        private void finish(Status status) {
            result.complete(new StreamResult(streamId, scores, evidence, categories, latency, status));
        }

        private static float[] toArray(List<Float> values) {
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            return out;
        }
    }

    @Override
    public void close() throws InterruptedException {
        senders.shutdownNow();
        channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
}
