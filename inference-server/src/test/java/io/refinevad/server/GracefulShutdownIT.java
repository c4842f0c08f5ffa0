package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamDraining;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.testsupport.PackagedScoringServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the packaged server, as Kubernetes sends it to a pod being removed: the open stream is handed back
 * with every accepted segment answered, and the process exits well within the drain timeout; calls in every state
 * at once (sending, idle, never opened) each end once and cleanly; meanwhile the admin plane still answers, and
 * refuses to undo that drain.
 */
class GracefulShutdownIT {
    static final Path PACKAGED_JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void sigtermHandsStreamsBackWithoutLosingAcceptedSegments() throws Exception {
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                Path.of("target/graceful-shutdown-server.log"), "refinevad.drain.timeout=20s")) {
            float[] clip = GoldenVectors.read("stream_x").values();
            RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(server.channel())).open("camera")
                    .send(clip, 512, 0, 40);
            while (stream.scores().size() < 40) {
                Thread.sleep(10);
            }
            stream.send(clip, 512, 40, 50);
            server.process().destroy();  // SIGTERM
            assertEquals(Status.Code.OK, stream.await().getCode());
            long lastAccepted = stream.responses.stream().filter(StreamResponse::hasDraining).findFirst()
                    .orElseThrow().getDraining().getLastAcceptedSequence();
            assertTrue(lastAccepted >= 39, "segments answered before the signal were accepted");
            assertEquals(lastAccepted + 1, stream.scores().size(), "every accepted segment is answered");
            List<Long> sequences = stream.scores().stream().map(r -> r.getScore().getSequence()).toList();
            assertEquals(LongStream.rangeClosed(0, lastAccepted).boxed().toList(), sequences, "once each, in order");
            assertTrue(server.process().waitFor(20, TimeUnit.SECONDS), "the server exits after draining");
            assertTrue(server.log().contains("drained cleanly"), server.log());
        }
    }

    /**
     * Issue 12's last way for a call to end: calls in every state at once when SIGTERM comes. Each opened stream gets
     * exactly one hand-back and ends OK with every segment it accepted answered once (those sent after it were not
     * accepted: the client resumes them elsewhere); the call that never sent OpenStream is refused UNAVAILABLE. The
     * drain completes because each call's release reached the registry, and the process exits 0 with nothing above
     * INFO and no stack trace logged from the signal on.
     */
    @Test
    void sigtermEndsEveryOpenCallOnceWhateverItIsDoing() throws Exception {
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                Path.of("target/shutdown-every-call-server.log"), "refinevad.drain.timeout=30s")) {
            float[] clip = GoldenVectors.read("stream_x").values();
            ScoringGrpc.ScoringStub scoring = ScoringGrpc.newStub(server.channel());
            Map<String, RecordingStream> opened = new LinkedHashMap<>();
            List<Thread> senders = new ArrayList<>();
            for (String id : List.of("sending-0", "sending-1", "sending-2")) {
                RecordingStream stream = new RecordingStream(scoring).open(id);
                opened.put(id, stream);
                Thread sender = new Thread(() -> sendUntilHandedBack(stream, clip), id);
                sender.start();
                senders.add(sender);
            }
            List<RecordingStream> sending = List.copyOf(opened.values());
            RecordingStream idleAfterSegments = new RecordingStream(scoring).open("idle-after-segments")
                    .send(clip, 512, 0, 10);
            RecordingStream idleSinceOpen = new RecordingStream(scoring).open("idle-since-open");
            opened.put("idle-after-segments", idleAfterSegments);
            opened.put("idle-since-open", idleSinceOpen);
            RecordingStream neverOpened = new RecordingStream(scoring);

            AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(server.adminChannel());
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                LoadReport load = admin.getLoadReport(GetLoadReportRequest.getDefaultInstance());
                return load.getActiveStreams() == opened.size() && load.getCallsAwaitingOpen() == 1
                        && idleAfterSegments.scores().size() == 10
                        && sending.stream().allMatch(stream -> stream.scores().size() >= 5);
            });
            server.process().destroy();  // SIGTERM, mid-send for three of them

            for (Map.Entry<String, RecordingStream> entry : opened.entrySet()) {
                String id = entry.getKey();
                RecordingStream stream = entry.getValue();
                Status status = stream.await();
                assertEquals(Status.Code.OK, status.getCode(), id + ": " + status);
                List<StreamDraining> handBacks = stream.responses.stream().filter(StreamResponse::hasDraining)
                        .map(StreamResponse::getDraining).toList();
                assertEquals(1, handBacks.size(), id + ": one hand-back");
                StreamDraining handBack = handBacks.get(0);
                long accepted = handBack.getNoneAccepted() ? 0 : handBack.getLastAcceptedSequence() + 1;
                assertEquals(LongStream.range(0, accepted).boxed().toList(),
                        stream.scores().stream().map(r -> r.getScore().getSequence()).toList(),
                        id + ": every accepted segment answered once, in order");
            }
            assertEquals(10, idleAfterSegments.scores().size());
            assertTrue(idleSinceOpen.scores().isEmpty());
            Status refused = neverOpened.await();
            assertEquals(Status.Code.UNAVAILABLE, refused.getCode(), refused.toString());
            assertTrue(neverOpened.responses.isEmpty(), "nothing but the refusal");
            for (Thread sender : senders) {
                sender.join(TimeUnit.SECONDS.toMillis(60));
            }

            assertTrue(server.process().waitFor(60, TimeUnit.SECONDS), "the server exits after draining");
            assertEquals(0, server.process().exitValue(), server.log());
            String log = server.log();
            assertTrue(log.contains("draining (server shutting down)"), log);
            String sinceSignal = log.substring(log.indexOf("draining (server shutting down)"));
            assertTrue(sinceSignal.contains("drained cleanly"), sinceSignal);
            assertTrue(sinceSignal.lines().noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR ")
                    || line.startsWith("\tat ") || line.contains("Exception")), sinceSignal);
        }
    }

    /** One segment per message, as a camera sends, until the server hands the stream back or ends it. */
    private static void sendUntilHandedBack(RecordingStream stream, float[] clip) {
        int rows = 40;
        for (int s = 0; !stream.ended.isDone()
                && stream.responses.stream().noneMatch(StreamResponse::hasDraining); s++) {
            stream.sendAs(s, clip, 512, s % rows, s % rows + 1);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void anUndrainDuringTheShutdownDrainIsRefused() throws Exception {
        try (PackagedScoringServer server = PackagedScoringServer.start(PACKAGED_JAR,
                Path.of("target/undrain-during-shutdown-server.log"), "refinevad.drain.timeout=60s",
                "refinevad.streams.idle-timeout=60s")) {
            // A camera that reads none of its answers, on a tiny flow-control window: more answers than the
            // transport buffers (about 100 bytes each, 32 KiB) wait for it, so its call cannot end before the idle
            // timeout, and the shutdown drain stays open while the test tries to undo it.
            ManagedChannel tight = NettyChannelBuilder.forAddress("localhost", server.grpcPort()).usePlaintext()
                    .flowControlWindow(1024).build();
            try {
                float[] clip = GoldenVectors.read("stream_x").values();
                RecordingStream stuck = RecordingStream.readingOnlyTheFirstResponse(ScoringGrpc.newStub(tight))
                        .open("stuck");
                int messages = 20;
                for (int i = 0; i < messages; i++) {
                    stuck.sendAs(40L * i, clip, 512, 0, 40);
                }
                AdminGrpc.AdminBlockingStub admin = AdminGrpc.newBlockingStub(server.adminChannel());
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> admin.getLoadReport(
                        GetLoadReportRequest.getDefaultInstance()).getSegmentsScored() == 40L * messages);
                server.process().destroy();  // SIGTERM
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining());

                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                        () -> admin.undrain(UndrainRequest.getDefaultInstance()));
                assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("shutting down"), refused.getMessage());
                assertTrue(admin.getLoadReport(GetLoadReportRequest.getDefaultInstance()).getDraining(),
                        "still draining");
                stuck.cancel();
            } finally {
                tight.shutdownNow();
            }
            assertTrue(server.process().waitFor(60, TimeUnit.SECONDS), "the server exits once the drain ends");
        }
    }
}
