package io.refinevad.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.ScoringGrpc;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The webhook wired end to end: the golden stream's anomaly events (two anomalies, each started and ended, as
 * AnomalyEventsRpcTest shows) reach a real HTTP receiver as CloudEvents, each once and in order, with the detector the
 * server serves as their source.
 */
@QuarkusTest
@TestProfile(WebhookEventsRpcTest.WebhookToReceiver.class)
class WebhookEventsRpcTest {
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");
    private static final String STREAM = "golden-webhook";

    /** The webhook on a free port, where the test starts its receiver; the server serves detector cameras/lobby. */
    public static class WebhookToReceiver implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.events.webhook.url", "http://localhost:" + WebhookReceiver.freePort() + "/events",
                    "refinevad.events.detector", "cameras/lobby");
        }
    }

    @Inject
    @ConfigProperty(name = "refinevad.events.webhook.url")
    URI webhook;

    @Inject
    MeterRegistry registry;

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void theGoldenStreamsEventsReachTheReceiverAsCloudEventsEachOnceAndInOrder() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.on(webhook.getPort())) {
            RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open(STREAM)
                    .send(CLIP.values(), CLIP.shape()[1], 0, CLIP.shape()[0]).finish();
            assertEquals(Status.Code.OK, stream.await().getCode());
            List<AnomalyEvent> events = stream.events();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(events,
                    receiver.requests().stream().map(WebhookReceiver.Request::event).toList()));
            List<WebhookReceiver.Request> requests = receiver.requests();
            assertEquals(List.of("io.refinevad.anomaly.started", "io.refinevad.anomaly.ended",
                    "io.refinevad.anomaly.started", "io.refinevad.anomaly.ended"),
                    requests.stream().map(r -> r.header("ce-type")).toList());
            for (int i = 0; i < events.size(); i++) {
                AnomalyEvent event = events.get(i);
                WebhookReceiver.Request request = requests.get(i);
                assertEquals("1.0", request.header("ce-specversion"));
                assertEquals(event.getEventId() + "-" + request.header("ce-type").substring("io.refinevad.anomaly."
                        .length()) + "-" + event.getLastSequence(), request.header("ce-id"));
                assertEquals("/apis/refinevad.io/v1alpha1/namespaces/cameras/anomalydetectors/lobby",
                        request.header("ce-source"));
                assertEquals(STREAM, request.header("ce-subject"));
                Instant.parse(request.header("ce-time"));
                assertEquals("application/json", request.header("Content-Type"));
                assertEquals("cameras/lobby", event.getDetector());
            }
            assertEquals(4, requests.stream().map(r -> r.header("ce-id")).distinct().count());
            assertEquals(4.0, registry.get("refinevad_events_delivered").tag("sink", "webhook").counter().count());
        }
    }
}
