package io.refinevad.gateway.stream;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.EventLoop;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.gateway.pods.ScoringPod;
import java.util.Optional;

/** One StreamScores call from the gateway to a pod, on behalf of a camera's stream; reports to its relay. */
final class Upstream implements ClientResponseObserver<StreamRequest, StreamResponse> {
    final ScoringPod pod;
    private final StreamRelay relay;
    private ClientCallStreamObserver<StreamRequest> requests;
    /** The pod sent StreamDraining: it answers what it accepted, then ends; nothing more goes to it. */
    boolean handedBack;
    /**
     * The gateway moves the stream off this pod (rebalancing): its input is closed, it answers what it accepted,
     * then ends; nothing more goes to it.
     */
    boolean leaving;
    /** The pod sent StreamOpened. */
    boolean opened;
    private boolean inputClosed;

    private Upstream(ScoringPod pod, StreamRelay relay) {
        this.pod = pod;
        this.relay = relay;
    }

    static Upstream open(ScoringPod pod, Optional<EventLoop> cameraLoop, StreamRelay relay) {
        Upstream upstream = new Upstream(pod, relay);
        ScoringGrpc.newStub(pod.streamChannel(cameraLoop)).streamScores(upstream);
        return upstream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamRequest> requests) {
        this.requests = requests;
    }

    /** Whether segments still go to this pod. */
    boolean accepting() {
        return !handedBack && !inputClosed;
    }

    void send(StreamRequest request) {
        requests.onNext(request);
    }

    void closeInput() {
        if (!inputClosed) {
            inputClosed = true;
            requests.onCompleted();
        }
    }

    void cancel(String why) {
        inputClosed = true;
        requests.cancel(why, null);
    }

    @Override
    public void onNext(StreamResponse response) {
        relay.answered(this, response);
    }

    @Override
    public void onError(Throwable failure) {
        relay.ended(this, Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        relay.ended(this, Status.OK);
    }
}
