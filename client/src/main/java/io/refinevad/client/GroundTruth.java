package io.refinevad.client;

import io.refinevad.api.NpyFloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A camera's ground truth in the data contract's format (docs/DATA.md: gt/ or gt_frames/&lt;video_id&gt;.npy,
 * float32 0/1, one value per video frame, N &gt;= T frames for T segments, segment i spanning frames
 * [floor(i*N/T), floor((i+1)*N/T))), as the anomalous spans in segment positions that the timeline shades.
 */
final class GroundTruth {
    private GroundTruth() {
    }

    /** The spans of folder/&lt;videoId&gt;.npy, or null when the folder has no file for this video. */
    static List<TimelineSvg.Span> read(Path folder, String videoId, int segments) {
        Path file = folder.resolve(videoId + ".npy");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        float[] frames;
        try {
            frames = NpyFloatMatrix.read(file).values();
        } catch (IOException e) {
            throw new IllegalArgumentException("ground truth " + e.getMessage());
        }
        if (frames.length < segments) {
            throw new IllegalArgumentException("ground truth " + file + ": " + frames.length + " frames, fewer than "
                    + "the camera's " + segments + " segments (one value per frame, docs/DATA.md)");
        }
        for (float value : frames) {
            if (value != 0f && value != 1f) {
                throw new IllegalArgumentException("ground truth " + file + ": values must be 0 or 1, not " + value);
            }
        }
        return spans(frames, segments);
    }

    /** Each run of frames labelled 1, from the position of its first frame to the position after its last. */
    static List<TimelineSvg.Span> spans(float[] frames, int segments) {
        List<TimelineSvg.Span> spans = new ArrayList<>();
        int start = -1;
        for (int f = 0; f <= frames.length; f++) {
            boolean anomalous = f < frames.length && frames[f] == 1f;
            if (anomalous && start < 0) {
                start = f;
            } else if (!anomalous && start >= 0) {
                spans.add(new TimelineSvg.Span(position(start, frames.length, segments),
                        position(f, frames.length, segments)));
                start = -1;
            }
        }
        return spans;
    }

    /** Where frame boundary f of n frames falls in segments: its segment plus how far into that segment's frames. */
    static double position(long f, long n, long segments) {
        if (f >= n) {
            return segments;
        }
        long segment = ((f + 1) * segments + n - 1) / n - 1;  // the last segment starting at or before frame f
        long first = segment * n / segments;
        long next = (segment + 1) * n / segments;
        return segment + (double) (f - first) / (next - first);
    }
}
