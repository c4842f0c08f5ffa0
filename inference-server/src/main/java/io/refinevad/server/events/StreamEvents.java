package io.refinevad.server.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.refinevad.api.events.AnomalyEventDetector;
import io.refinevad.api.events.EventRule;
import io.refinevad.api.events.EventSource;
import io.refinevad.api.events.PhaseNames;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventPhase;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives each stream its event detector, and hands every event to the configured sinks, counting it by phase at
 * /q/metrics (refinevad_anomaly_events_total{phase}).
 */
@ApplicationScoped
public class StreamEvents {
    /** Null when refinevad.events.enabled is false. */
    private final EventRule rule;
    private final String detector;
    private final ModelManifest manifest;
    private final Float categoryConfidence;
    private final List<AnomalyEventSink> sinks;
    /** Registered up front: an event is counted on the scoring path, which should not look meters up. */
    private final Map<EventPhase, Counter> counted = new EnumMap<>(EventPhase.class);

    @Inject
    public StreamEvents(AlarmSettings alarms, EventSettings settings, ModelBundle bundle,
                        @All List<AnomalyEventSink> sinks, MeterRegistry registry) {
        this.rule = settings.enabled() ? new EventRule(alarms.getThreshold(), alarms.getHysteresis(),
                alarms.getMinSegments(), alarms.getQuietSegments(), settings.updateInterval()) : null;
        this.detector = settings.detector().orElse("");
        this.manifest = bundle.manifest();
        this.categoryConfidence = alarms.hasCategoryConfidence() ? alarms.getCategoryConfidence() : null;
        this.sinks = List.copyOf(sinks);
        for (EventPhase phase : new EventPhase[] {EventPhase.EVENT_PHASE_STARTED, EventPhase.EVENT_PHASE_UPDATED,
                EventPhase.EVENT_PHASE_ENDED}) {
            counted.put(phase, Counter.builder("refinevad_anomaly_events")
                    .description("anomaly events the streams caused, by phase")
                    .tag("phase", PhaseNames.of(phase))
                    .register(registry));
        }
    }

    /** A fresh detector for a newly opened stream; empty when events are off. */
    public Optional<AnomalyEventDetector> detectorFor(String streamId) {
        return Optional.ofNullable(rule).map(enabled -> new AnomalyEventDetector(enabled, new EventSource(streamId,
                detector, manifest.name(), manifest.version(), manifest.framesPerSegment(), manifest.categories(),
                categoryConfidence)));
    }

    /** Counts the event and hands it to every sink. */
    public void publish(AnomalyEvent event) {
        counted.get(event.getPhase()).increment();
        for (AnomalyEventSink sink : sinks) {
            sink.publish(event);
        }
    }
}
