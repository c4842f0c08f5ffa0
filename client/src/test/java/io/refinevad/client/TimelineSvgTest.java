package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class TimelineSvgTest {
    private static final int SEGMENTS = 100;
    private static final List<TimelineSvg.Band> TWO_EVENTS = List.of(
            new TimelineSvg.Band(10, 20, 0.9f, "Fighting (confidence 0.90)"),
            new TimelineSvg.Band(50, 53, 0.7f, "unknown (confidence 0.30 < 0.55)"));

    @Test
    void eachEventIsOneBandOverItsSegmentsWithItsCategoryText() throws Exception {
        SvgDocument svg = render("camera-1", 0.5f, null, TWO_EVENTS);
        List<Element> bands = svg.withClass("event-band");
        assertEquals(2, bands.size());
        assertEquals(List.of("Fighting (confidence 0.90)", "unknown (confidence 0.30 < 0.55)"),
                svg.texts("event-label"));
        Element first = bands.get(0);
        assertEquals(xTick(svg, "10"), SvgDocument.number(first, "x"), 0.05);
        assertEquals(xTick(svg, "20") - xTick(svg, "10"), SvgDocument.number(first, "width"), 0.1);
        assertEquals(SEGMENTS, svg.withClass("score").get(0).getAttribute("points").split(" ").length,
                "one point per segment");
    }

    @Test
    void theThresholdIsADashedLineAtItsScoreWithItsValue() throws Exception {
        SvgDocument atTick = render("camera-1", 0.25f, null, List.of());
        assertEquals(yGrid(atTick, "0.25"), thresholdY(atTick), 0.05);

        SvgDocument between = render("camera-1", 0.6f, null, List.of());
        double expected = yGrid(between, "0.5") + 0.4 * (yGrid(between, "0.75") - yGrid(between, "0.5"));
        assertEquals(expected, thresholdY(between), 0.1);
        assertEquals("6 4", between.withClass("threshold").get(0).getAttribute("stroke-dasharray"));
        assertEquals(List.of("threshold 0.600"), between.texts("threshold-label"));
        assertTrue(between.texts("subtitle").get(0).contains("alarm threshold 0.600: the server's, calibrated"));
    }

    @Test
    void theGroundTruthIsShadedWhereTheFramesAreLabelledOne() throws Exception {
        float[] frames = new float[16 * SEGMENTS];
        Arrays.fill(frames, 16 * 20, 16 * 40, 1f);  // segments 20-39
        SvgDocument svg = render("camera-1", 0.5f, GroundTruth.spans(frames, SEGMENTS), List.of());
        List<Element> shaded = svg.withClass("ground-truth");
        assertEquals(1, shaded.size());
        assertEquals(xTick(svg, "20"), SvgDocument.number(shaded.get(0), "x"), 0.05);
        assertEquals(xTick(svg, "40") - xTick(svg, "20"), SvgDocument.number(shaded.get(0), "width"), 0.1);

        assertTrue(text(svg).contains("ground truth: anomalous"));
        assertTrue(text(render("camera-1", 0.5f, List.of(), List.of())).contains("ground truth: no anomalous frame"));
        SvgDocument unknown = render("camera-1", 0.5f, null, List.of());
        assertEquals(0, unknown.withClass("ground-truth").size());
        assertTrue(text(unknown).contains("ground truth: not given"));
    }

    @Test
    void aHostileStreamIdIsTextNotMarkup() throws Exception {
        String hostile = "<script>alert('x')</script>../../etc/\"passwd\" & \u0001";
        SvgDocument svg = render(hostile, 0.5f, null, List.of(new TimelineSvg.Band(1, 3, 0.8f, "<b>&</b>")));
        assertEquals(0, svg.document().getElementsByTagName("script").getLength());
        assertEquals(0, svg.document().getElementsByTagName("b").getLength());
        assertTrue(svg.texts("title").get(0).contains("<script>alert('x')</script>../../etc/\"passwd\" & \uFFFD"));
        assertEquals(List.of("<b>&</b>"), svg.texts("event-label"));
    }

    @Test
    void xTicksAreOneTwoOrFiveTimesAPowerOfTenWithAtMostTenIntervals() {
        assertEquals(List.of(1, 1, 2, 5, 10, 50, 100, 200),
                IntStream.of(1, 10, 11, 41, 100, 500, 501, 1999).map(TimelineSvg::xTickStep)
                        .boxed().toList());
    }

    private static SvgDocument render(String streamId, float threshold, List<TimelineSvg.Span> groundTruth,
                                      List<TimelineSvg.Band> bands) throws Exception {
        float[] scores = new float[SEGMENTS];
        for (int t = 0; t < SEGMENTS; t++) {
            scores[t] = (t % 10) / 10f;
        }
        return SvgDocument.parse(TimelineSvg.render(new TimelineSvg.Timeline(streamId, "v7", threshold,
                "the server's, calibrated on the model's training videos", 16, scores, groundTruth, bands)));
    }

    private static String text(SvgDocument svg) {
        return svg.document().getDocumentElement().getTextContent();
    }

    private static double thresholdY(SvgDocument svg) {
        Element line = svg.withClass("threshold").get(0);
        assertEquals(SvgDocument.number(line, "y1"), SvgDocument.number(line, "y2"));
        return SvgDocument.number(line, "y1");
    }

    /** The y of the grid line whose tick reads this score. */
    private static double yGrid(SvgDocument svg, String score) {
        int index = svg.texts("y-tick").indexOf(score);
        assertTrue(index >= 0, "a y tick " + score);
        return SvgDocument.number(svg.withClass("y-grid").get(index), "y1");
    }

    /** The x of the tick labelled with this segment. */
    private static double xTick(SvgDocument svg, String segment) {
        int index = svg.texts("x-tick").indexOf(segment);
        assertTrue(index >= 0, "an x tick " + segment);
        return SvgDocument.number(svg.withClass("x-tick").get(index), "x");
    }
}
