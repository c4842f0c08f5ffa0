package io.refinevad.server;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.server.events.AnomalyEventSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink the tests read: every event the server published, in order. */
@ApplicationScoped
public class RecordingEventSink implements AnomalyEventSink {
    private final List<AnomalyEvent> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(AnomalyEvent event) {
        published.add(event);
    }

    /** The events published for one stream. */
    List<AnomalyEvent> of(String streamId) {
        return published.stream().filter(e -> e.getStreamId().equals(streamId)).toList();
    }
}
