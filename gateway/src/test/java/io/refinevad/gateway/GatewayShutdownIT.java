package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ServerReadyRequest;
import io.refinevad.testsupport.PackagedApp;
import io.refinevad.testsupport.PackagedScoringServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
                "inference-server/target/quarkus-app/quarkus-run.jar"), Path.of("target/shutdown-pod.log"))) {
            int grpcPort = PackagedApp.freePort();
            int httpPort = PackagedApp.freePort();
            PackagedApp gateway = PackagedApp.builder(Golden.REPOSITORY.resolve(
                            "gateway/target/quarkus-app/quarkus-run.jar"))
                    .log(Path.of("target/shutdown-gateway.log").toAbsolutePath())
                    .property("quarkus.grpc.server.port", grpcPort)
                    .property("quarkus.http.port", httpPort)
                    .property("refinevad.gateway.detector", "lobby")
                    .property("refinevad.gateway.pods.load-report-period", "200ms")
                    .property("refinevad.gateway.pods.static", pod.target() + ":" + pod.adminPort())
                    .start();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
            try {
                gateway.awaitReady(WAIT, () -> GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS).serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady());
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + httpPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), ready.body());

                Camera camera = Camera.pausing(channel, "stopping", 20, 10);
                await().atMost(WAIT).until(() -> camera.scored() == 10);
                gateway.close();  // SIGTERM

                Status ended = camera.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(Status.Code.UNAVAILABLE, ended.getCode(), ended.toString());
                assertEquals("this gateway is shutting down; open the stream again on another gateway replica: every "
                        + "segment before 10 was answered: resume from it (OpenStream.first_sequence) after replaying "
                        + "the W - 1 segments before it", ended.getDescription());
                assertTrue(camera.answers.stream().filter(answer -> answer.hasOpened()).count() == 1);
            } finally {
                channel.shutdownNow();
                gateway.close();
            }
        }
    }
}
