package io.refinevad.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A camera as a plain gRPC client would stream, with none of our client's replay: the golden clip, one segment per
 * message at a steady rate, every answer recorded as it comes, the call's end as its status.
 */
final class Camera implements StreamObserver<StreamResponse> {
    final List<StreamResponse> answers = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    /** Completed by the test to let a camera that paused (see {@link #pausing}) send the rest of its clip. */
    final CompletableFuture<Void> resumed = new CompletableFuture<>();

    /** Starts streaming the golden clip as {@code id}, {@code perSecond} segments a second, on a thread of its own. */
    static Camera stream(Channel gateway, String id, double perSecond) {
        return pausing(gateway, id, perSecond, -1);
    }

    /**
     * As {@link #stream}, but the camera stops before segment {@code pauseAt}, its stream open, until the test
     * completes {@link #resumed}: so that what the test waits for happens mid-stream however slow the machine is.
     */
    static Camera pausing(Channel gateway, String id, double perSecond, int pauseAt) {
        Camera camera = new Camera();
        StreamObserver<StreamRequest> requests = ScoringGrpc.newStub(gateway).streamScores(camera);
        Thread sender = new Thread(() -> camera.send(requests, id, (long) (1e9 / perSecond), pauseAt),
                "camera-" + id);
        sender.setDaemon(true);
        sender.start();
        return camera;
    }

    private void send(StreamObserver<StreamRequest> requests, String id, long periodNanos, int pauseAt) {
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(id)).build());
        try {
            for (int t = 0; t < Golden.segments() && !ended.isDone(); t++) {
                if (t == pauseAt) {
                    CompletableFuture.anyOf(resumed, ended).join();
                }
                requests.onNext(StreamRequest.newBuilder().setSegments(segment(t)).build());
                TimeUnit.NANOSECONDS.sleep(periodNanos);
            }
            requests.onCompleted();
        } catch (InterruptedException e) {
            requests.onError(e);
        }
    }

    static Segments segment(int t) {
        int dim = Golden.featureDim();
        ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < dim; f++) {
            row.putFloat(Golden.CLIP.values()[t * dim + f]);
        }
        return Segments.newBuilder().setFirstSequence(t).setFeatures(Features.newBuilder().setSegments(1)
                .setFeatureDim(dim).setData(ByteString.copyFrom(row.array()))).build();
    }

    /** One StreamOpened, then every segment's score once, in order, equal to the reference's causal-window score. */
    void assertEveryAnswerOnceInOrderAsTheReference() {
        assertEquals(1, answers.stream().filter(StreamResponse::hasOpened).count(), "StreamOpened answers");
        Golden.assertEveryScoreOnceInOrder(answers.stream().filter(StreamResponse::hasScore)
                .map(answer -> new ProgramCamera.Answer(answer.getScore().getSequence(), answer.getScore().getScore()))
                .toList());
    }

    long scored() {
        return answers.stream().filter(StreamResponse::hasScore).count();
    }

    @Override
    public void onNext(StreamResponse answer) {
        answers.add(answer);
    }

    @Override
    public void onError(Throwable failure) {
        ended.complete(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK);
    }
}
