package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stream --plot DIR: the command line against a scoring server on a real port. */
class TimelinePlotsTest {
    private static final int SEGMENTS = 12;
    private static final int DIM = 2;

    @Test
    void plotCreatesTheFolderAndOneTimelinePerCamera(@TempDir Path tmp) throws Exception {
        Path clips = Files.createDirectories(tmp.resolve("clips"));
        Path groundTruth = Files.createDirectories(tmp.resolve("gt"));
        Path plots = tmp.resolve("build/plots");  // does not exist yet
        for (String camera : List.of("camera-a", "camera-b")) {
            Npy.write(clips.resolve(camera + ".npy"), new int[]{SEGMENTS, DIM}, new float[SEGMENTS * DIM]);
        }
        float[] frames = new float[16 * SEGMENTS];
        for (int f = 16 * 4; f < 16 * 8; f++) {
            frames[f] = 1f;
        }
        Npy.write(groundTruth.resolve("camera-a.npy"), new int[]{frames.length}, frames);  // none for camera-b

        try (ScriptedScoringServer server = new ScriptedScoringServer(ScriptedScoringServer.NEVER)) {
            Main.main(new String[]{"--target", server.target(), "stream", "--plot", plots.toString(),
                    "--ground-truth", groundTruth.toString(), clips.resolve("camera-a.npy").toString(),
                    clips.resolve("camera-b.npy").toString()});
        }

        try (Stream<Path> files = Files.list(plots)) {
            assertEquals(List.of("camera-a.svg", "camera-b.svg"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        SvgDocument a = SvgDocument.parse(Files.readString(plots.resolve("camera-a.svg")));
        SvgDocument b = SvgDocument.parse(Files.readString(plots.resolve("camera-b.svg")));
        // The scripted server scores segment t with t: segments 1-11 reach the client's default threshold 0.5, and
        // with no category evidence and no calibrated confidence the category is unknown, as the report prints it.
        for (SvgDocument camera : List.of(a, b)) {
            assertEquals(List.of("unknown (confidence 0.00, none calibrated)"), camera.texts("event-label"));
            assertTrue(camera.texts("title").get(0).contains("model version " + ScriptedScoringServer.VERSION));
        }
        assertEquals(1, a.withClass("ground-truth").size());
        assertEquals(0, b.withClass("ground-truth").size());
    }

    @Test
    void aHostileStreamIdNamesAFileInsideTheFolder(@TempDir Path tmp) throws Exception {
        TimelinePlots plots = new TimelinePlots(tmp.resolve("plots"), "v1", new AlarmRule(0.5f, "test", null,
                "test", false), 16);
        Path file = plots.write(result("../../<script>x"), null);
        assertEquals(plots.folder(), file.getParent());
        assertEquals("_.._..__script_x.svg", file.getFileName().toString());
        assertTrue(SvgDocument.parse(Files.readString(file)).texts("title").get(0).contains("../../<script>x"));

        Path twin = plots.write(result("..\\..\\<script>x"), null);  // sanitises to the same name
        assertEquals("_.._..__script_x-2.svg", twin.getFileName().toString());
        assertFalse(TimelinePlots.fileName(".hidden").startsWith("."));
        assertEquals("_", TimelinePlots.fileName(""));
    }

    private static StreamResult result(String streamId) {
        return new StreamResult(streamId, new float[]{0.1f, 0.9f, 0.9f}, new float[3][0], List.of(), new long[3],
                List.of(), Status.OK);
    }
}
