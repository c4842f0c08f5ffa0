package io.refinevad.client;

/** Scores in [0, 1] as a one-line bar chart, averaged down to at most `width` characters. */
public final class Sparkline {
    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {
    }

    public static String of(float[] scores, int width) {
        int columns = Math.min(width, scores.length);
        StringBuilder line = new StringBuilder(columns);
        for (int c = 0; c < columns; c++) {
            int from = c * scores.length / columns;
            int to = Math.max(from + 1, (c + 1) * scores.length / columns);
            float sum = 0;
            for (int t = from; t < to; t++) {
                sum += scores[t];
            }
            float mean = Math.max(0, Math.min(1, sum / (to - from)));
            line.append(BARS[Math.min(BARS.length - 1, (int) (mean * BARS.length))]);
        }
        return line.toString();
    }
}
