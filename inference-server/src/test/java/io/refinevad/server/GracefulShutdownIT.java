package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.testsupport.PackagedScoringServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on the packaged server, as Kubernetes sends it to a pod being removed: the open stream is handed back
 * with every accepted segment answered, and the process exits well within the drain timeout.
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
}
