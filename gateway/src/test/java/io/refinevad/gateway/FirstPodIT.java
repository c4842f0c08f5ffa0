package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.refinevad.testsupport.PackagedScoringServer;
import io.refinevad.testsupport.TcpRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

    @Test
    void aStreamOpenedWhileItsPodIsBeingLearntWaitsForIt() throws Exception {
        // A report period longer than the test: the held report is neither given up nor asked again meanwhile.
        try (PackagedScoringServer pod = PackagedScoringServer.start(Golden.REPOSITORY.resolve(
                "inference-server/target/quarkus-app/quarkus-run.jar"), Path.of("target/first-pod.log"));
             TcpRelay slowAdmin = TcpRelay.holding(pod.adminPort());
             PackagedGateway gateway = PackagedGateway.start(pod.target() + ":" + slowAdmin.port(),
                     "first-pod-gateway.log", Map.of("refinevad.gateway.detector", "porch",
                             "refinevad.gateway.pods.load-report-period", "120s",
                             "refinevad.gateway.streams.move-timeout", "60s"))) {
            gateway.app().awaitReady(WAIT, () -> gateway.readiness().statusCode() == 200);

            Camera camera = Camera.pausing(gateway.channel(), "early", 20, 10);
            // Without the wait the gateway would end the call at once, UNAVAILABLE "no ready scoring pod".
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> !camera.ended.isDone() && camera.answers.isEmpty());
            slowAdmin.release();
            camera.resumed.complete(null);

            assertEquals(Status.Code.OK, camera.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS).getCode());
            camera.assertEveryAnswerOnceInOrderAsTheReference();
        }
    }
}
