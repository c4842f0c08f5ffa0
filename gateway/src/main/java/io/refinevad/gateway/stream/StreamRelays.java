package io.refinevad.gateway.stream;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.refinevad.api.v1.StreamRequest;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.gateway.DaemonScheduler;
import io.refinevad.gateway.GatewayConfig;
import io.refinevad.gateway.pods.GatewayLoops;
import io.refinevad.gateway.pods.Pod;
import io.refinevad.gateway.pods.ScoringPod;
import io.refinevad.gateway.pods.ScoringPods;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Makes the relay of each camera stream (StreamRelay) and knows those open, to move one when rebalancing. */
@Singleton
public class StreamRelays {
    private final ScoringPods pods;
    private final StreamSlots slots;
    private final StreamMetrics metrics;
    private final StreamSettings settings;
    private final GatewayLoops loops;
    private final Set<StreamRelay> open = ConcurrentHashMap.newKeySet();

    public StreamRelays(GatewayConfig config, ScoringPods pods, StreamSlots slots, StreamMetrics metrics,
                        GatewayLoops loops) {
        this.pods = pods;
        this.loops = loops;
        this.slots = slots;
        this.metrics = metrics;
        this.settings = new StreamSettings(config.streams().maxInFlight(), config.streams().moveTimeout(),
                DaemonScheduler.named("stream-moves"));
    }

    /** Called on the thread that runs the camera's call: its event loop. */
    public StreamObserver<StreamRequest> relay(StreamObserver<StreamResponse> camera) {
        return new StreamRelay((ServerCallStreamObserver<StreamResponse>) camera, loops.current(), pods, slots,
                metrics, settings, open);
    }

    /**
     * Asks one of this gateway's streams on {@code from} to move to {@code to}; false when none can (the pod's
     * streams are another gateway's, or all are moving or ending).
     */
    boolean moveOne(Pod from, ScoringPod to) {
        return open.stream().anyMatch(relay -> relay.moveTo(from, to));
    }

    /**
     * Ends every camera stream, saying so and where to resume, before anything else stops: the pods' channels close
     * after this (ScoringPods), and a stream whose pod call failed then would try to move rather than end.
     */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent stopping) {
        settings.retries().shutdownNow();
        open.forEach(StreamRelay::gatewayStopping);
    }
}
