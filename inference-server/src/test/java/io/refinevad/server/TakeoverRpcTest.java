package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.v1.OpenStream;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.server.stream.StreamRegistry;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A camera whose old call is still open here (its network path died before the server noticed) takes its session
 * over with the resume token of its StreamOpened: the old call ends ABORTED, the new one continues the window and the
 * sequence numbers and gives again the answers from its resume point. Without the token, or with another, the id is
 * refused. Over real channels, against the reference scores.
 */
@QuarkusTest
class TakeoverRpcTest {
    private static final int DIM = 512;
    private static final int WINDOW = 32;
    private static final float[] CLIP = GoldenVectors.read("stream_x").values();
    private static final float[] EXPECTED = GoldenVectors.read("stream_scores").values();
    private static final int SEGMENTS = EXPECTED.length;

    @GrpcClient("scoring")
    Channel channel;

    @Inject
    StreamRegistry registry;

    @Test
    void theResumeTokenTakesTheSessionOverAndTheWindowAndSequenceContinue() throws Exception {
        LogCapture log = LogCapture.start();
        try {
            int accepted = WINDOW + 8;
            RecordingStream old = stream().open("taken-over").send(CLIP, DIM, 0, accepted);
            await("the old call's answers", () -> old.scores().size() == accepted);
            String token = old.resumeToken();
            assertTrue(Base64.getUrlDecoder().decode(token).length >= 16, "a token of at least 128 bits: " + token);

            Status without = stream().open("taken-over").await();
            assertEquals(Status.Code.ALREADY_EXISTS, without.getCode());
            assertTrue(without.getDescription().contains("resume_token"), without.getDescription());
            Status wrong = stream().open(open("taken-over", 0, token.substring(1) + "A")).await();
            assertEquals(Status.Code.ALREADY_EXISTS, wrong.getCode());
            assertTrue(wrong.getDescription().contains("is not its token"), wrong.getDescription());

            // The camera got answers up to `received` - 1 and resumes W - 1 before it, as the client does.
            int received = accepted - 3;
            int resumeAt = received - (WINDOW - 1);
            RecordingStream resumed = stream().open(open("taken-over", resumeAt, token))
                    .send(CLIP, DIM, resumeAt, SEGMENTS).finish();
            assertEquals(Status.Code.OK, resumed.await().getCode());
            Status oldEnd = old.await();
            assertEquals(Status.Code.ABORTED, oldEnd.getCode());
            assertTrue(oldEnd.getDescription().contains("taken over by a newer call"), oldEnd.getDescription());

            assertEquals(token, resumed.resumeToken(), "the same session, so the same token");
            List<StreamResponse> scores = resumed.scores();
            assertEquals(SEGMENTS - resumeAt, scores.size(), "every segment from the resume point, once");
            for (int i = 0; i < scores.size(); i++) {
                int t = resumeAt + i;
                assertEquals(t, scores.get(i).getScore().getSequence());
                assertEquals(EXPECTED[t], scores.get(i).getScore().getScore(), GoldenVectors.TOLERANCE,
                        "segment " + t + ": the window continued");
            }
            await("the slot released", () -> registry.activeStreams() == 0);
            assertEquals(List.of(), log.mentioning(token), "the token is never logged");
        } finally {
            log.stop();
        }
    }

    @Test
    void aResumePointTheSessionCannotServeIsRefusedAndTheSessionKept() throws Exception {
        RecordingStream old = stream().open(open("kept", 100, "")).sendAs(100, CLIP, DIM, 0, 1);
        await("the old call's answer", () -> old.scores().size() == 1);  // sequence 100
        String token = old.resumeToken();

        Status ahead = stream().open(open("kept", 102, token)).await();
        assertEquals(Status.Code.INVALID_ARGUMENT, ahead.getCode());
        assertTrue(ahead.getDescription().contains("resume at or before 101"), ahead.getDescription());
        Status behind = stream().open(open("kept", 99, token)).await();
        assertEquals(Status.Code.OUT_OF_RANGE, behind.getCode());
        assertTrue(behind.getDescription().contains("resume from 100 to 101"), behind.getDescription());

        assertEquals(1, registry.activeStreams(), "the old session is still open");
        old.sendAs(101, CLIP, DIM, 1, 2).finish();
        assertEquals(Status.Code.OK, old.await().getCode());
        assertEquals(2, old.scores().size());
        await("the slot released", () -> registry.activeStreams() == 0);
    }

    @Test
    void aTokenForAStreamNoLongerOpenStartsAFreshSession() throws Exception {
        RecordingStream first = stream().open("gone").send(CLIP, DIM, 0, 2).finish();
        assertEquals(Status.Code.OK, first.await().getCode());
        RecordingStream again = stream().open(open("gone", 0, first.resumeToken())).send(CLIP, DIM, 0, 2).finish();
        assertEquals(Status.Code.OK, again.await().getCode());
        assertNotEquals(first.resumeToken(), again.resumeToken(), "a new session, with a token of its own");
        assertEquals(2, again.scores().size());
    }

    private RecordingStream stream() {
        return new RecordingStream(ScoringGrpc.newStub(channel));
    }

    private static OpenStream open(String id, long firstSequence, String token) {
        return OpenStream.newBuilder().setStreamId(id).setFirstSequence(firstSequence).setResumeToken(token).build();
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(condition);
    }
}
