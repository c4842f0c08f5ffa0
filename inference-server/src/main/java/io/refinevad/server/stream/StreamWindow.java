package io.refinevad.server.stream;

/** The last W segments of one stream, oldest first: the causal window that scores its newest segment. */
final class StreamWindow {
    private final int window;
    private final int featureDim;
    private final float[] ring;
    private int next;
    private int count;

    StreamWindow(int window, int featureDim) {
        this.window = window;
        this.featureDim = featureDim;
        this.ring = new float[window * featureDim];
    }

    void append(float[] segments, int row) {
        System.arraycopy(segments, row * featureDim, ring, next * featureDim, featureDim);
        next = (next + 1) % window;
        count = Math.min(count + 1, window);
    }

    int length() {
        return count;
    }

    /** A copy in time order, for the batcher: later appends do not change a window already submitted. */
    float[] snapshot() {
        float[] out = new float[count * featureDim];
        int oldest = (next - count + window) % window;
        for (int i = 0; i < count; i++) {
            System.arraycopy(ring, ((oldest + i) % window) * featureDim, out, i * featureDim, featureDim);
        }
        return out;
    }
}
