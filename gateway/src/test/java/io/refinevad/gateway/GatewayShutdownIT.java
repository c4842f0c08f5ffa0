package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.testsupport.PackagedScoringServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway (target/quarkus-app, as its image runs it) in front of one packaged scoring server: ready on
 * its HTTP port once started, and on SIGTERM (Kubernetes stopping its pod) it ends a camera's open stream with
 * UNAVAILABLE saying where to resume, instead of dropping the connection with no word.
 */
class GatewayShutdownIT {
    private static final Duration WAIT = Duration.ofMinutes(1);

    @Test
    void aStoppingGatewayEndsItsStreamsSayingWhereToResume() throws Exception {
        try (PackagedScoringServer pod = PackagedScoringServer.start(Golden.REPOSITORY.resolve(
                "inference-server/target/quarkus-app/quarkus-run.jar"), Path.of("target/shutdown-pod.log"));
             PackagedGateway gateway = PackagedGateway.start(pod.target() + ":" + pod.adminPort(),
                     "shutdown-gateway.log", Map.of("refinevad.gateway.detector", "lobby",
                             "refinevad.gateway.pods.load-report-period", "200ms"))) {
            ManagedChannel channel = gateway.channel();
            gateway.app().awaitReady(WAIT, () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.SECONDS).serverReady(ServerReadyRequest.getDefaultInstance())
                    .getReady());
            HttpResponse<String> ready = gateway.readiness();
            assertEquals(200, ready.statusCode(), ready.body());

            Camera camera = Camera.pausing(channel, "stopping", 20, 10);
            await().atMost(WAIT).until(() -> camera.scored() == 10);
            gateway.app().close();  // SIGTERM

            Status ended = camera.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAVAILABLE, ended.getCode(), ended.toString());
            assertEquals("this gateway is shutting down; open the stream again on another gateway replica: every "
                    + "segment before 10 was answered: resume from it (OpenStream.first_sequence) after replaying "
                    + "the W - 1 segments before it", ended.getDescription());
            assertTrue(camera.answers.stream().filter(answer -> answer.hasOpened()).count() == 1);
        }
    }
}
