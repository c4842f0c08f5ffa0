package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.refinevad.testsupport.PackagedApp;
import io.refinevad.testsupport.PackagedScoringServer;
import io.refinevad.testsupport.TcpRelay;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream that arrives while the gateway is still learning its only pod (its first load report not in yet: the
 * moment after the gateway, or a new pod, started; a detector is Ready then) waits for the pod instead of being told
 * there is no ready pod, and what the camera sent meanwhile reaches the pod as sent. Packaged gateway and scoring
 * server, the pod's admin port behind a relay that holds the first report back until the test lets it through.
 */
class FirstPodIT {
    private static final Duration WAIT = Duration.ofMinutes(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aStreamOpenedWhileItsPodIsBeingLearntWaitsForIt() throws Exception {
        try (PackagedScoringServer pod = PackagedScoringServer.start(Golden.REPOSITORY.resolve(
                "inference-server/target/quarkus-app/quarkus-run.jar"), Path.of("target/first-pod.log"));
             TcpRelay slowAdmin = TcpRelay.holding(pod.adminPort())) {
            int grpcPort = PackagedApp.freePort();
            int httpPort = PackagedApp.freePort();
            // A report period longer than the test: the held report is neither given up nor asked again meanwhile.
            PackagedApp gateway = PackagedApp.builder(Golden.REPOSITORY.resolve(
                            "gateway/target/quarkus-app/quarkus-run.jar"))
                    .log(Path.of("target/first-pod-gateway.log").toAbsolutePath())
                    .property("quarkus.grpc.server.port", grpcPort)
                    .property("quarkus.http.port", httpPort)
                    .property("refinevad.gateway.detector", "porch")
                    .property("refinevad.gateway.pods.load-report-period", "120s")
                    .property("refinevad.gateway.streams.move-timeout", "60s")
                    .property("refinevad.gateway.pods.static", pod.target() + ":" + slowAdmin.port())
                    .start();
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
            try {
                gateway.awaitReady(WAIT, () -> HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + httpPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

                Camera camera = Camera.pausing(channel, "early", 20, 10);
                // Without the wait the gateway would end the call at once, UNAVAILABLE "no ready scoring pod".
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> !camera.ended.isDone() && camera.answers.isEmpty());
                slowAdmin.release();
                camera.resumed.complete(null);

                assertEquals(Status.Code.OK, camera.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS).getCode());
                camera.assertEveryAnswerOnceInOrderAsTheReference();
            } finally {
                channel.shutdownNow();
                gateway.close();
            }
        }
    }
}
