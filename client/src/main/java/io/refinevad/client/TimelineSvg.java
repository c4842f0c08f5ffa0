package io.refinevad.client;

import java.util.List;
import java.util.Locale;

/**
 * A camera's score timeline as a standalone SVG: the score per segment, the alarm threshold, the ground truth where
 * it is known and the detected anomaly events with their category. Built as text so that the client needs no
 * graphics library; every caller-given string (the stream id above all) is XML-escaped.
 */
public final class TimelineSvg {
    static final int WIDTH = 960;
    static final int HEIGHT = 380;
    private static final int LEFT = 64;
    private static final int RIGHT = WIDTH - 24;
    private static final int TOP = 64;
    private static final int BOTTOM = 284;
    private static final int MAX_X_TICKS = 10;
    private static final double[] Y_TICKS = {0, 0.25, 0.5, 0.75, 1};
    /** Event labels take turns on this many rows, so that neighbouring events do not print over each other. */
    private static final int LABEL_ROWS = 3;
    private static final String SCORE_COLOUR = "#1f4e9c";
    private static final String EVENT_COLOUR = "#e8590c";
    private static final String TRUTH_COLOUR = "#2b8a3e";

    /** An anomaly event over segments [start, end) with its peak score and its category as it is to be shown. */
    public record Band(int start, int end, float peak, String label) {
    }

    /** Ground truth anomalous from one segment position to another (fractional: frames need not align). */
    public record Span(double from, double to) {
    }

    /**
     * One camera's plot. groundTruth null: not known (said in the legend); empty: known, nothing anomalous.
     *
     * @param framesPerSegment how many video frames a segment stands for, for the frame labels under the segments
     */
    public record Timeline(String streamId, String modelVersion, float threshold, String thresholdSource,
                           int framesPerSegment, float[] scores, List<Span> groundTruth, List<Band> bands) {
    }

    private TimelineSvg() {
    }

    public static String render(Timeline timeline) {
        Canvas canvas = new Canvas(Math.max(1, timeline.scores().length));
        StringBuilder svg = new StringBuilder(4096 + 16 * timeline.scores().length);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH,
                HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        title(svg, timeline);
        if (timeline.groundTruth() != null) {
            for (Span span : timeline.groundTruth()) {
                svg.append(String.format(Locale.ROOT, "<rect class=\"ground-truth\" x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                        + " height=\"%d\" fill=\"%s\" fill-opacity=\"0.18\"/>%n", canvas.x(span.from()), TOP,
                        canvas.x(span.to()) - canvas.x(span.from()), BOTTOM - TOP, TRUTH_COLOUR));
            }
        }
        axes(svg, canvas, timeline.framesPerSegment());
        bands(svg, canvas, timeline);
        scoreLine(svg, canvas, timeline.scores());
        threshold(svg, canvas, timeline.threshold());
        legend(svg, timeline.groundTruth() == null ? "ground truth: not given"
                : timeline.groundTruth().isEmpty() ? "ground truth: no anomalous frame" : "ground truth: anomalous");
        return svg.append("</svg>\n").toString();
    }

    private static void title(StringBuilder svg, Timeline timeline) {
        svg.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"24\" font-size=\"16\""
                + " font-weight=\"bold\">camera %s · model version %s · %d segments</text>%n", LEFT,
                xml(timeline.streamId()), xml(timeline.modelVersion()), timeline.scores().length));
        svg.append(String.format(Locale.ROOT, "<text class=\"subtitle\" x=\"%d\" y=\"44\" fill=\"#444\">alarm"
                + " threshold %.3f: %s</text>%n", LEFT, timeline.threshold(), xml(timeline.thresholdSource())));
    }

    private static void axes(StringBuilder svg, Canvas canvas, int framesPerSegment) {
        for (double tick : Y_TICKS) {
            double y = canvas.y(tick);
            svg.append(String.format(Locale.ROOT, "<line class=\"y-grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\""
                    + " stroke=\"#ddd\"/>%n<text class=\"y-tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, RIGHT, y, y, LEFT - 6, y + 4, tickText(tick)));
        }
        int step = xTickStep(canvas.segments);
        for (int segment = 0; segment <= canvas.segments; segment += step) {
            double x = canvas.x(segment);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
                    + "%n<text class=\"x-tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n"
                    + "<text class=\"frame-tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\""
                    + " font-size=\"9\">%d</text>%n", x, x, BOTTOM, BOTTOM + 4, x, BOTTOM + 16, segment, x,
                    BOTTOM + 28, (long) segment * framesPerSegment));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#444\"/>%n", LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">segment"
                + " <tspan fill=\"#777\">(grey: frame, %d per segment)</tspan></text>%n", (LEFT + RIGHT) / 2,
                BOTTOM + 46, framesPerSegment));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\""
                + " transform=\"rotate(-90 16 %d)\">anomaly score</text>%n", (TOP + BOTTOM) / 2, (TOP + BOTTOM) / 2));
    }

    private static void bands(StringBuilder svg, Canvas canvas, Timeline timeline) {
        List<Band> bands = timeline.bands();
        for (int i = 0; i < bands.size(); i++) {
            Band band = bands.get(i);
            double x = canvas.x(band.start());
            long fps = timeline.framesPerSegment();
            svg.append(String.format(Locale.ROOT, "<g class=\"event\"><title>segments %d-%d (frames %d-%d), peak %.2f:"
                    + " %s</title>%n<rect class=\"event-band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\" fill-opacity=\"0.22\" stroke=\"%s\"/>%n<text class=\"event-label\" x=\"%.1f\""
                    + " y=\"%d\" fill=\"%s\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">%s"
                    + "</text></g>%n", band.start(), band.end() - 1, band.start() * fps, band.end() * fps - 1,
                    band.peak(), xml(band.label()), x, TOP, canvas.x(band.end()) - x, BOTTOM - TOP, EVENT_COLOUR,
                    EVENT_COLOUR, x + 3, TOP + 13 + 13 * (i % LABEL_ROWS), EVENT_COLOUR, xml(band.label())));
        }
    }

    /** Each score at the middle of its segment, clamped into the plot. */
    private static void scoreLine(StringBuilder svg, Canvas canvas, float[] scores) {
        svg.append("<polyline class=\"score\" fill=\"none\" stroke=\"").append(SCORE_COLOUR)
                .append("\" stroke-width=\"1.5\" points=\"");
        for (int t = 0; t < scores.length; t++) {
            svg.append(String.format(Locale.ROOT, "%s%.1f,%.1f", t == 0 ? "" : " ", canvas.x(t + 0.5),
                    canvas.y(Math.max(0, Math.min(1, scores[t])))));
        }
        svg.append("\"/>\n");
    }

    private static void threshold(StringBuilder svg, Canvas canvas, float threshold) {
        double y = canvas.y(threshold);
        svg.append(String.format(Locale.ROOT, "<line class=\"threshold\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\""
                + " stroke=\"#c92a2a\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>%n<text class=\"threshold-label\""
                + " x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#c92a2a\">threshold %.3f</text>%n", LEFT, RIGHT, y,
                y, RIGHT - 4, y - 4, threshold));
    }

    private static void legend(StringBuilder svg, String groundTruth) {
        int y = HEIGHT - 18;
        svg.append(String.format(Locale.ROOT, "<g class=\"legend\">%n"
                + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>"
                + "<text x=\"%d\" y=\"%d\">score per segment</text>%n"
                + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#c92a2a\" stroke-dasharray=\"6 4\"/>"
                + "<text x=\"%d\" y=\"%d\">alarm threshold</text>%n"
                + "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"10\" fill=\"%s\" fill-opacity=\"0.22\" stroke=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\">detected anomaly (category or unknown)</text>%n"
                + "<rect x=\"%d\" y=\"%d\" width=\"20\" height=\"10\" fill=\"%s\" fill-opacity=\"0.18\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n</g>%n",
                LEFT, LEFT + 20, y - 4, y - 4, SCORE_COLOUR, LEFT + 26, y,
                LEFT + 140, LEFT + 160, y - 4, y - 4, LEFT + 166, y,
                LEFT + 270, y - 9, EVENT_COLOUR, EVENT_COLOUR, LEFT + 296, y,
                LEFT + 560, y - 9, TRUTH_COLOUR, LEFT + 586, y,
                groundTruth));
    }

    /** A step of 1, 2 or 5 times a power of ten that puts at most MAX_X_TICKS intervals on the axis. */
    static int xTickStep(int segments) {
        for (int magnitude = 1; ; magnitude *= 10) {
            for (int multiple : new int[]{1, 2, 5}) {
                if ((long) multiple * magnitude * MAX_X_TICKS >= segments) {
                    return multiple * magnitude;
                }
            }
        }
    }

    private static String tickText(double tick) {
        return tick == Math.rint(tick) ? String.valueOf((int) tick) : String.valueOf(tick);
    }

    /**
     * Text as XML character data or attribute value: markup characters escaped, and characters XML 1.0 cannot
     * hold at all (control characters, unpaired surrogates) replaced, so that any stream id gives a valid file.
     */
    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.appendCodePoint(allowedInXml(c) ? c : '\uFFFD');
            }
        });
        return out.toString();
    }

    private static boolean allowedInXml(int c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || c >= 0x10000;
    }

    /** Where a segment position and a score fall in the plot. */
    private record Canvas(int segments) {
        double x(double segment) {
            return LEFT + segment * (RIGHT - LEFT) / segments;
        }

        double y(double score) {
            return BOTTOM - score * (BOTTOM - TOP);
        }
    }
}
