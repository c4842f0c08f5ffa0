package io.refinevad.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.stream.StreamRegistry;
import jakarta.inject.Singleton;

/** The load report's numbers as Prometheus series, read when scraped. */
@Startup
@Singleton
public class StreamGauges {

    public StreamGauges(MeterRegistry registry, StreamRegistry streams, DynamicBatcher batcher) {
        Gauge.builder("refinevad_active_streams", streams, StreamRegistry::activeStreams)
                .description("streams open on this server").register(registry);
        Gauge.builder("refinevad_calls_awaiting_open", streams, StreamRegistry::callsAwaitingOpen)
                .description("StreamScores calls that have not sent their OpenStream yet").register(registry);
        Gauge.builder("refinevad_stream_capacity", streams, StreamRegistry::capacity)
                .description("streams this server takes at most").register(registry);
        Gauge.builder("refinevad_queue_depth", batcher, DynamicBatcher::queueDepth)
                .description("jobs waiting for a batch").register(registry);
        Gauge.builder("refinevad_draining", streams, s -> s.draining() ? 1 : 0)
                .description("1 while draining").register(registry);
        FunctionCounter.builder("refinevad_segments_scored", streams, StreamRegistry::segmentsScored)
                .description("stream segments answered").register(registry);
        FunctionCounter.builder("refinevad_answers_dropped", streams, StreamRegistry::answersDropped)
                .description("stream answers not delivered because the client had gone away")
                .tag("reason", "client_gone").register(registry);
    }
}
