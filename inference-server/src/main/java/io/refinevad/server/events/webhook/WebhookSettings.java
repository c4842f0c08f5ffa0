package io.refinevad.server.events.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The webhook that anomaly events go to as CloudEvents (docs/EVENTS.md, "The webhook"). Runtime
 * configuration: the operator sets these from the detector's spec.alerts.webhook.
 */
@ConfigMapping(prefix = WebhookSettings.PREFIX)
public interface WebhookSettings {
    String PREFIX = "refinevad.events.webhook";

    /** The receiver's http or https URL; unset: no webhook. */
    Optional<String> url();

    /** Events waiting for the receiver, at most; more are dropped (and counted) rather than slow scoring down. */
    @WithDefault("1024")
    int queueCapacity();

    /** One delivery attempt's limit, connecting and waiting for the response's status together. */
    @WithDefault("5s")
    Duration timeout();

    /** The longest wait between two attempts at one event; the waits double up to it from 100 ms. */
    @WithDefault("30s")
    Duration maxBackoff();

    /** A file holding the bearer token the receiver wants (a mounted Secret); read at each delivery. */
    Optional<String> tokenFile();

    /** How long a stopping server still delivers what it has queued before it drops (and counts) the rest. */
    @WithDefault("5s")
    Duration shutdownGrace();
}
