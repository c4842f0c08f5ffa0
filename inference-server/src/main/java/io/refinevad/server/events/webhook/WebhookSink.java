package io.refinevad.server.events.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.server.events.AnomalyEventSink;
import io.refinevad.server.events.EventSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Anomaly events to the webhook that refinevad.events.webhook.url names, as CloudEvents; nothing without the URL.
 * The bean exists either way because the URL is runtime configuration (a pod's environment), which no build-time
 * condition can see. Started with the server, so that a bad setting stops the start with a message naming it; stopped
 * after the drain of a shutdown (ShutdownEvent observers run before beans are destroyed), so that the anomalies the
 * drain ends are still delivered.
 */
@Startup
@Singleton
public class WebhookSink implements AnomalyEventSink, AutoCloseable {
    private final Optional<WebhookSender> sender;

    public WebhookSink(WebhookSettings settings, EventSettings events, MeterRegistry registry) {
        this.sender = settings.url().isPresent()
                ? Optional.of(WebhookSender.start(settings, CloudEventRequests.source(events.detector()), registry))
                : Optional.empty();
    }

    @Override
    public void publish(AnomalyEvent event) {
        sender.ifPresent(s -> s.offer(event));
    }

    @PreDestroy
    @Override
    public void close() {
        sender.ifPresent(WebhookSender::close);
    }
}
