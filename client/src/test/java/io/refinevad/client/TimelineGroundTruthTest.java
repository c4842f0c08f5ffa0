package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline's ground truth: frame labels in the data contract's format, placed on the segment axis. */
class TimelineGroundTruthTest {

    @Test
    void sixteenFramesPerSegmentPutEachRunOnItsSegments() {
        float[] frames = new float[16 * 10];
        for (int f = 32; f < 80; f++) {
            frames[f] = 1f;  // segments 2-4
        }
        frames[159] = 1f;  // the last frame of segment 9
        assertEquals(List.of(new TimelineSvg.Span(2, 5), new TimelineSvg.Span(9 + 15 / 16.0, 10)),
                GroundTruth.spans(frames, 10));
    }

    @Test
    void unevenSegmentsFollowTheDataContractsFrameBounds() {
        // 100 frames in 32 segments: segment i spans [floor(i*100/32), floor((i+1)*100/32)), segment 1 is 3-5.
        assertEquals(1.0, GroundTruth.position(3, 100, 32));
        assertEquals(2 / 3.0, GroundTruth.position(2, 100, 32), 1e-12);
        assertEquals(1 + 2 / 3.0, GroundTruth.position(5, 100, 32), 1e-12);
        assertEquals(32.0, GroundTruth.position(100, 100, 32));
    }

    @Test
    void aFolderWithoutTheCamerasFileMeansNotKnownAndABadFileIsRefused(@TempDir Path folder) throws Exception {
        assertNull(GroundTruth.read(folder, "camera-1", 4));
        Npy.write(folder.resolve("short.npy"), new int[]{3}, new float[]{0, 1, 0});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GroundTruth.read(folder, "short", 4))
                .getMessage().contains("3 frames, fewer than the camera's 4 segments"));
        Npy.write(folder.resolve("scores.npy"), new int[]{4}, new float[]{0, 0.5f, 1, 0});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GroundTruth.read(folder, "scores", 4))
                .getMessage().contains("values must be 0 or 1, not 0.5"));
    }
}
