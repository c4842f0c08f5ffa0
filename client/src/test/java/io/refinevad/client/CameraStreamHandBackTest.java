package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A camera moves on when a server hands its stream back, also when that server is one it had just moved to and it
 * hands back before or while the camera replays the window: nothing new was accepted there, which is not a loss.
 */
class CameraStreamHandBackTest {
    private static final int SEGMENTS = 20;
    private static final int DIM = 2;

    @Test
    void aServerThatHandsBackRightAfterTheOpenIsNotADataLoss() throws Exception {
        assertMovesOnCleanly(0);
    }

    @Test
    void aServerThatHandsBackDuringTheReplayIsNotADataLoss() throws Exception {
        assertMovesOnCleanly(2);  // accepts 2 of the W - 1 = 3 replayed segments, then hands back
    }

    private static void assertMovesOnCleanly(int secondAcceptsBeforeDrain) throws Exception {
        try (ScriptedScoringServer first = new ScriptedScoringServer(10);
             ScriptedScoringServer second = new ScriptedScoringServer(secondAcceptsBeforeDrain);
             ScriptedScoringServer third = new ScriptedScoringServer(ScriptedScoringServer.NEVER);
             ScoringClient client = new ScoringClient(List.of(first.target(), second.target(), third.target()))) {
            StreamResult result = client.stream("camera-1", new float[SEGMENTS * DIM], SEGMENTS, DIM, 0)
                    .get(1, TimeUnit.MINUTES);

            assertEquals(Status.Code.OK, result.status().getCode(), result.status().toString());
            for (int t = 0; t < SEGMENTS; t++) {
                assertEquals(t, result.scores()[t], "segment " + t + " answered once, by the server that took it");
            }
            long resumeFrom = 10 - (ScriptedScoringServer.WINDOW - 1);
            assertEquals(resumeFrom, second.opens.get(0).getFirstSequence());
            assertEquals(resumeFrom, third.opens.get(0).getFirstSequence(), "the third replays the same window");
        }
    }
}
