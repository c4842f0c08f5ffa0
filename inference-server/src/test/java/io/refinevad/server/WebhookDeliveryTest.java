package io.refinevad.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.EventPhase;
import io.refinevad.server.events.EventSettings;
import io.refinevad.server.events.webhook.WebhookSettings;
import io.refinevad.server.events.webhook.WebhookSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook sink without Quarkus, against real HTTP receivers: what a request carries, a receiver that is down for
 * a while, one that never comes back, refusals, and the bearer token.
 */
class WebhookDeliveryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String SINK = "webhook";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void eachEventIsACloudEventInBinaryModeWithTheEventAsJsonAndTheCurrentToken() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "first-token\n");
        WebhookReceiver receiver = closing(WebhookReceiver.answering(request -> 200));
        WebhookSink sink = sink(WebhookSettingsValues.to(receiver.url()).withTokenFile(token.toString()),
                new EventSettingsValues(true, Optional.empty(), 2, 2, 16, Optional.of("cameras/lobby")));
        String camera = "lobby cam \"2\" 100% \u2603";
        AnomalyEvent event = event(camera, 4);
        sink.publish(event);
        await().atMost(PATIENCE).until(() -> receiver.requests().size() == 1);
        Files.writeString(token, "rotated-token");
        sink.publish(event(camera, 5));
        await().atMost(PATIENCE).until(() -> receiver.requests().size() == 2);

        WebhookReceiver.Request first = receiver.requests().get(0);
        assertEquals("POST", first.method());
        assertEquals("/events", first.path());
        assertEquals("1.0", first.header("ce-specversion"));
        assertEquals("anomaly-1-updated-4", first.header("ce-id"));
        assertEquals("/apis/refinevad.io/v1alpha1/namespaces/cameras/anomalydetectors/lobby", first.header("ce-source"));
        assertEquals("io.refinevad.anomaly.updated", first.header("ce-type"));
        assertEquals("lobby%20cam%20%222%22%20100%25%20%E2%98%83", first.header("ce-subject"),
                "percent-encoded as the CloudEvents HTTP binding asks");
        Instant.parse(first.header("ce-time"));
        assertEquals("application/json", first.header("Content-Type"));
        assertEquals(event, first.event());
        assertTrue(first.body().contains("\"lastSequence\":\"4\""), "the proto's JSON names; 64-bit numbers as strings");
        assertEquals("Bearer first-token", first.header("Authorization"));
        assertEquals("Bearer rotated-token", receiver.requests().get(1).header("Authorization"),
                "the token file is read again, so a rotated Secret works without a restart");
        assertEquals(2.0, delivered());
    }

    @Test
    void aReceiverDownForFiveSecondsGetsEveryEventOnceAndInOrderWhenItIsBack() throws Exception {
        int port = WebhookReceiver.freePort();
        WebhookSink sink = sink(WebhookSettingsValues.to("http://localhost:" + port + "/events"));
        List<AnomalyEvent> events = LongStream.range(0, 20).mapToObj(segment -> event("camera-1", segment)).toList();
        events.forEach(sink::publish);
        Thread.sleep(5_000); // the receiver is down meanwhile: the sender retries the first event
        WebhookReceiver receiver = closing(WebhookReceiver.on(port));
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(events.size(), delivered()));
        assertEquals(events, receiver.requests().stream().map(WebhookReceiver.Request::event).toList());
        assertEquals(0.0, dropped("queue_full") + dropped("rejected") + dropped("shutdown"));
    }

    @Test
    void aReceiverThatNeverComesBackCostsAtMostTheQueueAndEveryLostEventIsCounted() {
        int capacity = 8;
        WebhookSink sink = sink(WebhookSettingsValues.to("http://localhost:" + WebhookReceiver.freePort() + "/events")
                .withQueueCapacity(capacity).withShutdownGrace(Duration.ofMillis(500)));
        sink.publish(event("camera-1", 0));
        // The sender takes the first event and keeps retrying it; the queue is empty behind it.
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(0.0, queued()));
        for (long segment = 1; segment <= 100; segment++) {
            sink.publish(event("camera-1", segment));
        }
        assertEquals(capacity, queued(), "the queue holds at most its capacity");
        assertEquals(100 - capacity, dropped("queue_full"));

        sink.close();
        assertEquals(capacity + 1, dropped("shutdown"), "the queued events and the one in flight, once the grace ran out");
        sink.publish(event("camera-1", 101));
        assertEquals(capacity + 2, dropped("shutdown"), "an event after the stop");
        assertEquals(0.0, delivered());
    }

    @Test
    void anEventTheReceiverRefusesIsDroppedAndCountedAndOneItCannotTakeNowIsRetried() throws Exception {
        AtomicBoolean unavailableOnce = new AtomicBoolean(true);
        WebhookReceiver receiver = closing(WebhookReceiver.answering(request -> {
            if (request.header("ce-subject").equals("camera-bad")) {
                return 400;
            }
            return request.header("ce-id").endsWith("-1") && unavailableOnce.getAndSet(false) ? 503 : 200;
        }));
        WebhookSink sink = sink(WebhookSettingsValues.to(receiver.url()));
        List.of(event("camera-1", 0), event("camera-bad", 0), event("camera-1", 1), event("camera-bad", 1),
                event("camera-1", 2)).forEach(sink::publish);
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(3.0, delivered()));
        assertEquals(2.0, dropped("rejected"));
        assertEquals(List.of("camera-1/0", "camera-bad/0", "camera-1/1", "camera-1/1", "camera-bad/1", "camera-1/2"),
                receiver.requests().stream().map(r -> r.header("ce-subject") + "/" + r.event().getLastSequence())
                        .toList(), "a 503 is retried, in order; a 400 is not");
    }

    @Test
    void aWebhookUrlThatIsNotHttpStopsTheStartWithTheProperty() {
        for (String url : List.of("ftp://alerts.example/events", "alerts.example:8080/events", "http://[bad")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> sink(WebhookSettingsValues.to(url)));
            assertTrue(refused.getMessage().contains("refinevad.events.webhook.url"), refused::getMessage);
        }
    }

    @Test
    void withoutAUrlThereIsNoWebhook() {
        sink(new WebhookSettingsValues(Optional.empty(), 1024, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Optional.empty(), Duration.ofSeconds(5))).publish(event("camera-1", 0));
        assertTrue(registry.find("refinevad_events_dropped").counters().isEmpty());
    }

    private WebhookSink sink(WebhookSettings settings) {
        return sink(settings, EventSettingsValues.DEFAULTS);
    }

    private WebhookSink sink(WebhookSettings settings, EventSettings events) {
        return closing(new WebhookSink(settings, events, registry));
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** An UPDATED event of one anomaly, ending at the segment. */
    private static AnomalyEvent event(String streamId, long segment) {
        return AnomalyEvent.newBuilder().setEventId("anomaly-1").setPhase(EventPhase.EVENT_PHASE_UPDATED)
                .setStreamId(streamId).setDetector("cameras/lobby").setModelName("refinevad").setLastSequence(segment)
                .setLastFrame(segment * 16 + 15).setPeakScore(0.9f).setCategory("unknown").build();
    }

    private double delivered() {
        return registry.get("refinevad_events_delivered").tag("sink", SINK).counter().count();
    }

    private double dropped(String reason) {
        return registry.get("refinevad_events_dropped").tag("sink", SINK).tag("reason", reason).counter().count();
    }

    private double queued() {
        return registry.get("refinevad_events_queued").tag("sink", SINK).gauge().value();
    }
}
