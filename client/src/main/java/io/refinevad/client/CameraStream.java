package io.refinevad.client;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One camera streamed as a live source: one segment every period (or, with no period, as fast as answers allow),
 * each answered once, in order. When a server drains and hands the stream back, the camera continues on the next
 * server it was given. The new server has not seen the stream, so the camera first replays the W - 1 segments before
 * the first unanswered one: its window is then whole and its scores equal those the first server would have given.
 * The replayed segments' answers are duplicates and are dropped.
 *
 * <p>When a call breaks (UNAVAILABLE: the connection was lost, or keepalive found the path dead), the camera
 * reconnects to the same server with the resume token of its StreamOpened, resuming in the same way from its first
 * unanswered segment: if the server still holds the old call, the new one takes the session over; if not, it opens a
 * new one and the replay rebuilds the window. After {@value #RECONNECTS} failed attempts in a row it moves on to the
 * next server, as after a drain.
 */
final class CameraStream implements Runnable {
    /** With no period, this many segments may await their answer at once. */
    static final int MAX_IN_FLIGHT = 8;
    /** Attempts to reconnect to the same server after a broken call, each after a longer pause. */
    static final int RECONNECTS = 5;
    private static final long RECONNECT_PAUSE_MILLIS = 500;

    private final String streamId;
    private final float[] matrix;
    private final int dim;
    private final long periodNanos;
    private final List<? extends Channel> servers;
    private final long[] sent;
    private final float[] scores;
    private final float[][] evidence;
    private final long[] latency;
    /** Every call's anomaly events, in the order they came. */
    private final List<AnomalyEvent> events = new CopyOnWriteArrayList<>();
    private volatile List<String> categories = List.of();
    private volatile int window = 1;
    final CompletableFuture<StreamResult> result = new CompletableFuture<>();

    CameraStream(String streamId, float[] matrix, int segments, int dim, double segmentsPerSecond,
                 List<? extends Channel> servers) {
        this.streamId = streamId;
        this.matrix = matrix;
        this.dim = dim;
        this.periodNanos = segmentsPerSecond > 0 ? (long) (1e9 / segmentsPerSecond) : 0;
        this.servers = servers;
        this.sent = new long[segments];
        this.scores = new float[segments];
        this.evidence = new float[segments][];
        this.latency = new long[segments];
    }

    @Override
    public void run() {
        try {
            long from = 0;          // the first segment not answered yet
            String token = "";      // the resume token of this camera's session on the current server
            int reconnects = 0;
            for (int server = 0; ; server++) {
                Call call = new Call(from);
                StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(servers.get(server)).streamScores(call);
                send(requests, call, Math.max(0, from - (window - 1)), token);
                CallEnd end = call.ended.get();
                if (end.opened()) {
                    token = call.resumeToken;
                }
                if (end.answered() > 0) {
                    reconnects = 0;  // the attempts count only while no progress is made
                }
                if (broken(end, token)) {
                    from += end.answered();  // answers come in order, once each: all before it are in
                    if (reconnects < RECONNECTS) {
                        reconnects++;
                        TimeUnit.MILLISECONDS.sleep(RECONNECT_PAUSE_MILLIS * reconnects);
                        server--;  // the same server again
                        continue;
                    }
                    if (server + 1 < servers.size()) {
                        token = "";
                        reconnects = 0;
                        continue;
                    }
                }
                // A server that hands back before or during the replay accepted nothing new: none expected from it.
                long expected = Math.max(0, (end.handedBack() ? end.lastAccepted() + 1 : sent.length) - from);
                if (!end.status().isOk()) {
                    complete(end.status());
                    return;
                }
                if (end.answered() != expected) {
                    complete(Status.DATA_LOSS.withDescription((from + end.answered()) + " of " + (from + expected)
                            + " accepted segments answered"));
                    return;
                }
                if (!end.handedBack()) {
                    complete(Status.OK);
                    return;
                }
                if (server + 1 == servers.size()) {
                    complete(Status.UNAVAILABLE.withDescription("the server drained and handed the stream back after "
                            + "segment " + end.lastAccepted() + " and no other server was given; all "
                            + (end.lastAccepted() + 1) + " accepted segments were answered"));
                    return;
                }
                from = Math.max(from, end.lastAccepted() + 1);
                token = "";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            complete(Status.CANCELLED.withDescription("the client was closed while streaming"));
        } catch (ExecutionException e) {
            complete(Status.fromThrowable(e.getCause()));
        }
    }

    /** A call that broke after this camera had a session on its server: worth reconnecting with the token. */
    private static boolean broken(CallEnd end, String token) {
        return end.status().getCode() == Status.Code.UNAVAILABLE && !end.handedBack() && !token.isEmpty();
    }

    /** Replays [first, call.from) at once, then sends the rest paced, until the call ends or hands the stream back. */
    private void send(StreamObserver<StreamRequest> requests, Call call, long first, String token)
            throws InterruptedException {
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(streamId)
                .setFirstSequence(first).setResumeToken(token)).build());
        long next = System.nanoTime();
        for (int t = (int) first; t < sent.length && !call.ended.isDone() && !call.handedBack; t++) {
            if (periodNanos == 0 && !call.inFlight.tryAcquire(1, TimeUnit.MINUTES)) {
                break;
            }
            boolean replay = t < call.from;
            if (!replay) {
                sent[t] = System.nanoTime();
            }
            requests.onNext(StreamRequest.newBuilder().setSegments(Segments.newBuilder()
                    .setFirstSequence(t).setFeatures(Features.rows(matrix, dim, t, t + 1))).build());
            if (!replay) {
                next += periodNanos;
                sleepUntil(next);
            }
        }
        requests.onCompleted();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void complete(Status status) {
        result.complete(new StreamResult(streamId, scores, evidence, categories, latency, List.copyOf(events),
                status));
    }

    private record CallEnd(Status status, boolean opened, boolean handedBack, long lastAccepted, int answered) {
    }

    /** One StreamScores call. Answers run on the transport thread: they only record and never block. */
    private final class Call implements StreamObserver<StreamResponse> {
        final long from;
        final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        final CompletableFuture<CallEnd> ended = new CompletableFuture<>();
        volatile boolean handedBack;
        /** From this call's StreamOpened; a secret, never printed. Empty until it arrives. */
        volatile String resumeToken = "";
        volatile long lastAccepted;
        int answered;

        Call(long from) {
            this.from = from;
        }

        @Override
        public void onNext(StreamResponse response) {
            if (response.hasOpened()) {
                categories = new ArrayList<>(response.getOpened().getCategoriesList());
                window = response.getOpened().getWindow();
                resumeToken = response.getOpened().getResumeToken();
            } else if (response.hasScore()) {
                int t = (int) response.getScore().getSequence();
                inFlight.release();
                if (t < from) {
                    return;  // a replayed segment: answered already, by the server that handed the stream back
                }
                scores[t] = response.getScore().getScore();
                evidence[t] = toArray(response.getScore().getCategoryEvidenceList());
                latency[t] = (System.nanoTime() - sent[t]) / 1000;
                answered++;
            } else if (response.hasEvent()) {
                events.add(response.getEvent());
            } else if (response.hasDraining()) {
                lastAccepted = response.getDraining().getLastAcceptedSequence();
                handedBack = true;
                wakeSender();
            }
        }

        /** The sender may be waiting for an in-flight answer that will never come: it should stop sending. */
        private void wakeSender() {
            inFlight.release(MAX_IN_FLIGHT);
        }

        @Override
        public void onError(Throwable error) {
            ended.complete(new CallEnd(Status.fromThrowable(error), !resumeToken.isEmpty(), handedBack, lastAccepted,
                    answered));
            wakeSender();
        }

        @Override
        public void onCompleted() {
            ended.complete(new CallEnd(Status.OK, !resumeToken.isEmpty(), handedBack, lastAccepted, answered));
            wakeSender();
        }

        private static float[] toArray(List<Float> values) {
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            return out;
        }
    }
}
