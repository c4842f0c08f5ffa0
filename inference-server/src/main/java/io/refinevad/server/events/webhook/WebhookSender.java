package io.refinevad.server.events.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.server.events.SinkCounters;
import io.refinevad.server.events.SinkCounters.DropReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Delivers events to one receiver, in the order they were published, from a bounded queue on a thread of its own:
 * publishing never waits, and a slow or absent receiver costs at most the queue, never scoring time. An event is
 * retried, with back-off, until the receiver takes it (2xx) or refuses it for good, or until it is older than
 * {@link #MAX_EVENT_AGE} (so that one event a receiver keeps failing on cannot hold up every later one for ever); a
 * full queue drops the new event. Every event ends up delivered or counted as dropped.
 */
final class WebhookSender {
    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    /** The sink tag of its meters. */
    static final String SINK = "webhook";
    /** How often an idle sender looks whether the server is stopping. */
    private static final long IDLE_POLL_MILLIS = 200;
    /** How long a stopping server waits for the sender to notice that its grace ran out. */
    private static final long INTERRUPT_WAIT_MILLIS = 1000;
    /** An alert this late is news to nobody: dropped (expired) rather than retried further. */
    static final Duration MAX_EVENT_AGE = Duration.ofMinutes(10);

    private final BlockingQueue<QueuedEvent> queue;
    private final CloudEventRequests requests;
    private final HttpClient http;
    private final String receiver;
    private final Backoff backoff;
    private final Duration shutdownGrace;
    private final SinkCounters counters;
    private final Thread thread;
    private volatile boolean closing;
    /** Set, under this sender's lock, once close() has counted what was left: later offers are counted at once. */
    private boolean closed;
    // The sender thread's own: what has been logged, so that an outage or a refusal is logged once, not per event.
    private final Set<Integer> refusalsLogged = new HashSet<>();
    private boolean failing;
    private boolean expiryLogged;
    private boolean unsendableLogged;

    private WebhookSender(URI target, WebhookSettings settings, CloudEventRequests requests, MeterRegistry registry) {
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        Gauge.builder("refinevad_events_queued", queue, BlockingQueue::size).tag("sink", SINK)
                .description("anomaly events waiting for a sink's receiver (the one in flight aside)").register(registry);
        this.requests = requests;
        // No redirects: the token must not follow an event to wherever the receiver points.
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.receiver = WebhookUrl.describe(target);
        this.backoff = new Backoff(settings.maxBackoff());
        this.shutdownGrace = settings.shutdownGrace();
        this.counters = new SinkCounters(registry, SINK);
        this.thread = new Thread(this::run, "refinevad-webhook");
        thread.setDaemon(true);
    }

    /** A running sender to the settings' URL; IllegalArgumentException, naming the property, for a bad setting. */
    static WebhookSender start(WebhookSettings settings, String source, MeterRegistry registry) {
        URI target = WebhookUrl.parse(settings.url().orElseThrow());
        require(settings.queueCapacity() >= 1, "queue-capacity", "at least 1");
        require(isPositive(settings.timeout()), "timeout", "positive");
        require(isPositive(settings.maxBackoff()), "max-backoff", "positive");
        require(!settings.shutdownGrace().isNegative(), "shutdown-grace", "0 or more");
        CloudEventRequests requests = new CloudEventRequests(target, settings.timeout(), source,
                settings.tokenFile().map(file -> new BearerToken(Path.of(file))));
        WebhookSender sender = new WebhookSender(target, settings, requests, registry);
        sender.thread.start();
        LOG.infof("anomaly events go to the webhook at %s as CloudEvents (source %s)", sender.receiver, source);
        return sender;
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean valid, String property, String what) {
        if (!valid) {
            throw new IllegalArgumentException(WebhookSettings.PREFIX + "." + property + " must be " + what);
        }
    }

    /** Queues the event, or counts it dropped when the queue is full or the server is stopping. Never blocks. */
    void offer(AnomalyEvent event) {
        if (closing) {
            counters.dropped(DropReason.SHUTDOWN);
            return;
        }
        // Under the lock close() counts the rest with: an offer racing the stop is either counted there or here.
        synchronized (this) {
            if (closed) {
                counters.dropped(DropReason.SHUTDOWN);
            } else if (!queue.offer(new QueuedEvent(event, Instant.now()))) {
                counters.dropped(DropReason.QUEUE_FULL);
            }
        }
    }

    /**
     * Delivers what is queued for up to the shutdown grace, then gives up: the event in flight and the rest of the
     * queue are counted as dropped.
     */
    void close() {
        closing = true;
        try {
            thread.join(Math.max(1, shutdownGrace.toMillis()));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(INTERRUPT_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
        List<QueuedEvent> undelivered = new ArrayList<>();
        synchronized (this) {
            closed = true;
            queue.drainTo(undelivered);
        }
        undelivered.forEach(e -> counters.dropped(DropReason.SHUTDOWN));
        if (!undelivered.isEmpty()) {
            LOG.warnf("anomaly events: %d queued for %s were not delivered within %s of the stop",
                    undelivered.size(), receiver, shutdownGrace);
        }
    }

    private void run() {
        try {
            while (!closing || !queue.isEmpty()) {
                QueuedEvent next = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (next != null) {
                    deliver(next);
                }
            }
        } catch (InterruptedException e) {
            // close() gave up waiting: it counts what is left in the queue.
        }
    }

    /**
     * Attempts the event until the receiver answers for good or the event expires; InterruptedException drops it
     * (counted).
     */
    private void deliver(QueuedEvent queued) throws InterruptedException {
        try {
            while (!attempt(queued)) {
                if (Instant.now().isAfter(queued.time().plus(MAX_EVENT_AGE))) {
                    expired();
                    return;
                }
                Thread.sleep(backoff.nextMillis());
            }
        } catch (InterruptedException e) {
            counters.dropped(DropReason.SHUTDOWN);
            throw e;
        }
    }

    /** One request; true when the event is done with (delivered, or refused for good), false to retry it. */
    private boolean attempt(QueuedEvent queued) throws InterruptedException {
        int status;
        try {
            status = http.send(requests.request(queued), BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            // Refused or reset connections, timeouts (HttpTimeoutException), an unreadable token file.
            failing(e.toString());
            return false;
        } catch (RuntimeException e) {
            // A request that cannot be made at all (a token that is no valid header value, ...): retrying would not
            // change it, and the sender thread must live on for the next event.
            unsendable(e);
            return true;
        }
        if (status == 408 || status == 429 || status >= 500) {
            failing("HTTP " + status);
            return false;
        }
        answered();
        if (status / 100 == 2) {
            counters.delivered();
        } else {
            refused(status);
        }
        return true;
    }

    private void failing(String why) {
        if (!failing) {
            failing = true;
            LOG.warnf("anomaly events: cannot deliver to %s (%s); retrying with back-off, up to %d events wait",
                    receiver, why, queue.remainingCapacity() + queue.size());
        }
    }

    private void answered() {
        backoff.reset();
        if (failing) {
            failing = false;
            LOG.infof("anomaly events: %s takes events again", receiver);
        }
    }

    private void expired() {
        counters.dropped(DropReason.EXPIRED);
        if (!expiryLogged) {
            expiryLogged = true;
            LOG.warnf("anomaly events: an event waited %s for %s and was dropped; such events are counted in"
                    + " refinevad_events_dropped{sink=\"%s\",reason=\"expired\"} (logged once)", MAX_EVENT_AGE,
                    receiver, SINK);
        }
    }

    private void unsendable(RuntimeException e) {
        counters.dropped(DropReason.REJECTED);
        if (!unsendableLogged) {
            unsendableLogged = true;
            LOG.warnf("anomaly events: a request to %s could not be made (%s); such events are dropped and counted in"
                    + " refinevad_events_dropped{sink=\"%s\",reason=\"rejected\"} (logged once)", receiver, e, SINK);
        }
    }

    /** A status a retry would not change (4xx; 3xx, since redirects are not followed): the event is dropped. */
    private void refused(int status) {
        counters.dropped(DropReason.REJECTED);
        if (refusalsLogged.add(status)) {
            LOG.warnf("anomaly events: %s refused an event with HTTP %d; such events are dropped and counted in"
                    + " refinevad_events_dropped{sink=\"%s\",reason=\"rejected\"} (logged once per status)",
                    receiver, status, SINK);
        }
    }
}
