package io.refinevad.server;

import io.refinevad.server.events.webhook.WebhookSettings;
import java.time.Duration;
import java.util.Optional;

/** refinevad.events.webhook.* as a test sets them, without a Quarkus config behind them. */
record WebhookSettingsValues(Optional<String> url, int queueCapacity, Duration timeout, Duration maxBackoff,
                             Optional<String> tokenFile, Duration shutdownGrace) implements WebhookSettings {

    /**
     * The settings' defaults (WebhookSettings' @WithDefault values) with the URL given, but back-off capped at 1 s, so
     * that a receiver that comes back is tried again within a second.
     */
    static WebhookSettingsValues to(String url) {
        return new WebhookSettingsValues(Optional.of(url), 1024, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Optional.empty(), Duration.ofSeconds(5));
    }

    WebhookSettingsValues withQueueCapacity(int capacity) {
        return new WebhookSettingsValues(url, capacity, timeout, maxBackoff, tokenFile, shutdownGrace);
    }

    WebhookSettingsValues withTokenFile(String file) {
        return new WebhookSettingsValues(url, queueCapacity, timeout, maxBackoff, Optional.of(file), shutdownGrace);
    }

    WebhookSettingsValues withShutdownGrace(Duration grace) {
        return new WebhookSettingsValues(url, queueCapacity, timeout, maxBackoff, tokenFile, grace);
    }
}
