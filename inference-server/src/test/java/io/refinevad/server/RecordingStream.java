package io.refinevad.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.Segments;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A test client for one StreamScores call that records every response and how the call ended. */
final class RecordingStream implements StreamObserver<StreamResponse> {
    final List<StreamResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final StreamObserver<StreamRequest> requests;

    RecordingStream(ScoringGrpc.ScoringStub stub) {
        this.requests = stub.streamScores(this);
    }

    RecordingStream open(String streamId) {
        requests.onNext(StreamRequest.newBuilder().setOpen(OpenStream.newBuilder().setStreamId(streamId)).build());
        return this;
    }

    /** Sends rows [from, to) of a [segments, dim] matrix as one message with sequence numbers from `from`. */
    RecordingStream send(float[] matrix, int dim, int from, int to) {
        return sendAs(from, matrix, dim, from, to);
    }

    RecordingStream sendAs(long firstSequence, float[] matrix, int dim, int from, int to) {
        requests.onNext(StreamRequest.newBuilder().setSegments(Segments.newBuilder()
                .setFirstSequence(firstSequence)
                .setFeatures(Features.newBuilder().setSegments(to - from).setFeatureDim(dim)
                        .setData(Float32Bytes.pack(matrix, from * dim, (to - from) * dim)))).build());
        return this;
    }

    RecordingStream finish() {
        requests.onCompleted();
        return this;
    }

    Status await() throws Exception {
        return ended.get(60, TimeUnit.SECONDS);
    }

    List<StreamResponse> scores() {
        return responses.stream().filter(StreamResponse::hasScore).toList();
    }

    @Override
    public void onNext(StreamResponse response) {
        responses.add(response);
    }

    @Override
    public void onError(Throwable error) {
        ended.complete(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK);
    }
}
