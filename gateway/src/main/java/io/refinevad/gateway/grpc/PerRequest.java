package io.refinevad.gateway.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.refinevad.gateway.pods.Pod;
import io.refinevad.gateway.pods.ScoringPod;
import io.refinevad.gateway.pods.ScoringPods;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A unary request sent to the next pod in turn. A pod that is unreachable (UNAVAILABLE) is tried no more for it,
 * and the request goes to the next, up to {@value #ATTEMPTS} pods: unary scoring has no state, so a retry is safe.
 * Everything else a pod answers, the caller gets unchanged.
 */
final class PerRequest<R> implements StreamObserver<R> {
    private static final int ATTEMPTS = 3;

    private final ScoringPods pods;
    private final BiConsumer<ScoringPod, StreamObserver<R>> call;
    private final StreamObserver<R> caller;
    private final Set<Pod> tried = new HashSet<>();

    private PerRequest(ScoringPods pods, BiConsumer<ScoringPod, StreamObserver<R>> call, StreamObserver<R> caller) {
        this.pods = pods;
        this.call = call;
        this.caller = caller;
    }

    static <R> void forward(ScoringPods pods, BiConsumer<ScoringPod, StreamObserver<R>> call,
                            StreamObserver<R> caller) {
        new PerRequest<>(pods, call, caller).attempt();
    }

    private void attempt() {
        Optional<ScoringPod> pod = pods.forRequest(tried);
        if (pod.isEmpty()) {
            caller.onError(pods.noReadyPod().asRuntimeException());
            return;
        }
        tried.add(pod.get().pod());
        call.accept(pod.get(), this);
    }

    @Override
    public void onNext(R response) {
        caller.onNext(response);
    }

    @Override
    public void onError(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        if (status.getCode() == Status.Code.UNAVAILABLE && tried.size() < ATTEMPTS) {
            attempt();
            return;
        }
        caller.onError(Status.fromCode(status.getCode()).withDescription(status.getDescription()).asRuntimeException());
    }

    @Override
    public void onCompleted() {
        caller.onCompleted();
    }
}
