package io.refinevad.server;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.v1.AnomalyEvent;
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
final class RecordingStream implements ClientResponseObserver<StreamRequest, StreamResponse> {
    private static final int READ_ALL = -1;

    final List<StreamResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final int responsesToRead;
    private ClientCallStreamObserver<StreamRequest> requests;

    RecordingStream(ScoringGrpc.ScoringStub stub) {
        this(stub, READ_ALL);
    }

    private RecordingStream(ScoringGrpc.ScoringStub stub, int responsesToRead) {
        this.responsesToRead = responsesToRead;
        stub.streamScores(this);
    }

    /** A client that reads only the first response and then stops reading, as a stuck or overloaded camera would. */
    static RecordingStream readingOnlyTheFirstResponse(ScoringGrpc.ScoringStub stub) {
        return new RecordingStream(stub, 1);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamRequest> call) {
        requests = call;
        if (responsesToRead != READ_ALL) {
            call.disableAutoRequestWithInitial(responsesToRead);
        }
    }

    RecordingStream open(String streamId) {
        return open(OpenStream.newBuilder().setStreamId(streamId).build());
    }

    RecordingStream open(OpenStream open) {
        requests.onNext(StreamRequest.newBuilder().setOpen(open).build());
        return this;
    }

    /** The resume token of this call's StreamOpened, once it has arrived. */
    String resumeToken() {
        return responses.stream().filter(StreamResponse::hasOpened).findFirst()
                .orElseThrow(() -> new AssertionError("no StreamOpened")).getOpened().getResumeToken();
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

    /** Cancels the call, as a client that goes away does. */
    RecordingStream cancel() {
        requests.cancel("the client went away", null);
        return this;
    }

    Status await() throws Exception {
        return ended.get(60, TimeUnit.SECONDS);
    }

    List<StreamResponse> scores() {
        return responses.stream().filter(StreamResponse::hasScore).toList();
    }

    List<AnomalyEvent> events() {
        return responses.stream().filter(StreamResponse::hasEvent).map(StreamResponse::getEvent).toList();
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
