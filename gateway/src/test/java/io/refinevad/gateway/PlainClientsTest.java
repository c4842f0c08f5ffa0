package io.refinevad.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.UndrainRequest;
import io.refinevad.testsupport.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * grpcurl and a Python grpcio client, with no client logic of ours, stream the golden clip through the gateway in
 * front of three packaged scoring servers while the pod holding the stream drains and then the next one holding it is
 * SIGKILLed: the stream sees no error and every answer equals the reference causal-window score. Each test kills one
 * pod; the second runs on the two left. These pods are this class's own (GatewayTest kills one of its pods too).
 */
@QuarkusTest
@WithTestResource(value = ThreeScoringPods.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlainClientsTest {
    private static final String GATEWAY = "localhost:9011";
    private static final Duration STEP = Duration.ofMinutes(1);
    private static final long SEGMENT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);  // 20 segments a second
    /** Segments sent before the camera pauses, its stream open, until the drained pod is back for the kill. */
    private static final int BEFORE_KILL = 30;

    private static List<TestPod> pods;

    @AfterAll
    static void closeChannels() {
        if (pods != null) {
            pods.forEach(TestPod::close);
        }
    }

    @Test
    @Order(1)
    void grpcurlStreamsThroughADrainAndAKillUnbroken() throws Exception {
        try (ProgramCamera grpcurl = GrpcurlCamera.start(GATEWAY, "grpcurl-camera", log("grpcurl"))) {
            streamThroughADrainAndAKill(grpcurl);
        }
    }

    @Test
    @Order(2)
    void aPythonGrpcioClientStreamsThroughADrainAndAKillUnbroken() throws Exception {
        try (ProgramCamera grpcio = GrpcioCamera.start(GATEWAY, "grpcio-camera", log("grpcio"))) {
            streamThroughADrainAndAKill(grpcio);
        }
    }

    private static void streamThroughADrainAndAKill(ProgramCamera camera) throws Exception {
        if (pods == null) {
            pods = TestPod.all();
        }
        CompletableFuture<Void> killed = new CompletableFuture<>();
        Thread sender = new Thread(() -> send(camera, killed), "sends-segments");
        sender.setDaemon(true);
        sender.start();

        awaitAnswers(camera, 10);
        TestPod drained = TestPod.withTheStream(pods);
        AdminGrpc.newBlockingStub(drained.adminChannel()).drain(DrainRequest.getDefaultInstance());
        awaitAnswers(camera, BEFORE_KILL);
        AdminGrpc.newBlockingStub(drained.adminChannel()).undrain(UndrainRequest.getDefaultInstance());
        await().atMost(STEP).untilAsserted(() -> assertEquals(TestPod.live(pods).size(),
                PrometheusText.value(TestPod.gatewayMetrics(), "refinevad_gateway_ready_pods"), "placeable pods"));

        TestPod holder = TestPod.withTheStream(pods);
        assertNotEquals(drained, holder, "the stream stayed on the drained pod");
        killed.complete(null);  // the camera sends on; its pod dies under it
        awaitAnswers(camera, BEFORE_KILL + 5);
        holder.process().destroyForcibly();
        holder.process().onExit().get(STEP.toSeconds(), TimeUnit.SECONDS);

        assertEquals("OK", camera.ended.get(STEP.toSeconds(), TimeUnit.SECONDS), "how the stream ended");
        assertEquals(1, camera.opened.get(), "StreamOpened answers");
        Golden.assertEveryScoreOnceInOrder(camera.answers);
    }

    private static void awaitAnswers(ProgramCamera camera, int answers) {
        await().atMost(STEP).until(() -> camera.answers.size() >= answers || camera.ended.isDone());
        assertTrue(camera.answers.size() >= answers, "the stream ended after " + camera.answers.size()
                + " answers: " + camera.ended.getNow("?"));
    }

    /** The golden clip at 20 segments a second, pausing before BEFORE_KILL until {@code resume}; then the end. */
    private static void send(ProgramCamera camera, CompletableFuture<Void> resume) {
        try {
            for (int t = 0; t < Golden.segments() && !camera.ended.isDone(); t++) {
                if (t == BEFORE_KILL) {
                    CompletableFuture.anyOf(resume, camera.ended).join();
                }
                camera.send(t);
                TimeUnit.NANOSECONDS.sleep(SEGMENT_NANOS);
            }
            camera.closeInput();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path log(String camera) {
        return Path.of("target", camera + "-camera.log").toAbsolutePath();
    }
}
