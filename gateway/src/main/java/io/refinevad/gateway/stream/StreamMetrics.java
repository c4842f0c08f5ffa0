package io.refinevad.gateway.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the gateway's streams do, as Prometheus series. */
@Singleton
public class StreamMetrics {
    /** Segments kept over all streams (SegmentLog): the gateway's memory for moving streams. */
    final AtomicLong keptSegments = new AtomicLong();
    private final Counter movedOnDrain;
    private final Counter movedOnFailure;
    private final Counter movedToRebalance;
    private final Counter duplicatesDropped;
    private final MeterRegistry registry;
    private final List<Gauge> gauges;

    public StreamMetrics(MeterRegistry registry, StreamSlots slots) {
        this.registry = registry;
        gauges = List.of(Gauge.builder("refinevad_gateway_streams", slots, StreamSlots::taken)
                        .description("camera streams open on this gateway").register(registry),
                Gauge.builder("refinevad_gateway_kept_segments", keptSegments, AtomicLong::get)
                        .description("segments kept to move streams: the last W - 1 answered and those awaiting "
                                + "answers").register(registry));
        movedOnDrain = moves(registry, "drain");
        movedOnFailure = moves(registry, "failure");
        movedToRebalance = moves(registry, "rebalance");
        duplicatesDropped = Counter.builder("refinevad_gateway_duplicate_answers_dropped")
                .description("answers to replayed segments, which the camera had already received").register(registry);
    }

    /** Gauges read their objects weakly and outlive a restart in one JVM (ScoringPods.stop says why). */
    void stop(@Observes ShutdownEvent stopping) {
        gauges.forEach(registry::remove);
    }

    private static Counter moves(MeterRegistry registry, String reason) {
        return Counter.builder("refinevad_gateway_stream_moves").tag("reason", reason)
                .description("streams re-opened on another pod").register(registry);
    }

    /** Why a stream moved: its pod handed it back, failed it, or the gateway moved it to even the pods' loads. */
    enum MoveReason { DRAIN, FAILURE, REBALANCE }

    void moved(MoveReason reason) {
        switch (reason) {
            case DRAIN -> movedOnDrain.increment();
            case FAILURE -> movedOnFailure.increment();
            case REBALANCE -> movedToRebalance.increment();
        }
    }

    void duplicateDropped() {
        duplicatesDropped.increment();
    }
}
