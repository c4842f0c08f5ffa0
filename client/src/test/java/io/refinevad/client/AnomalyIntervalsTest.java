package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyIntervalsTest {

    @Test
    void runsAboveTheThresholdBecomeIntervalsWithTheirStrongestCategory() {
        float[] scores = {0.1f, 0.7f, 0.9f, 0.2f, 0.6f, 0.1f, 0.8f, 0.8f};
        float[][] evidence = new float[scores.length][];
        for (int t = 0; t < scores.length; t++) {
            evidence[t] = t < 4 ? new float[]{0.9f, 0.1f} : new float[]{0.2f, 0.7f};
        }
        List<AnomalyIntervals.Interval> found = AnomalyIntervals.detect(scores, evidence, List.of("Fighting", "Arson"),
                0.5f, 2);
        assertEquals(2, found.size());  // the single segment 4 is flicker
        assertInterval(found.get(0), 1, 3, 0.9f, "Fighting", 0.9f);       // evidence summed: [1.8, 0.2]
        assertInterval(found.get(1), 6, 8, 0.8f, "Arson", 1.4f / 1.8f);   // [0.4, 1.4]
    }

    private static void assertInterval(AnomalyIntervals.Interval interval, int start, int end, float peak,
                                       String topCategory, float confidence) {
        assertEquals(List.of(start, end, peak, topCategory), List.of(interval.start(), interval.end(),
                interval.peak(), interval.topCategory()));
        assertEquals(confidence, interval.confidence(), 1e-6f);
    }

    @Test
    void theConfidenceIsTheTopCategorysShareOfTheEvidenceSummedOverTheInterval() {
        // The same hand-made case as refinevad's test_events: summed over segments 0-2 the evidence is
        // [1.2, 0.8, 0.0], so the first category leads with 0.6 although the second leads in two of three segments.
        float[][] evidence = {{0.9f, 0.1f, 0f}, {0.1f, 0.3f, 0f}, {0.2f, 0.4f, 0f}};
        AnomalyIntervals.Interval interval = AnomalyIntervals.detect(new float[]{0.9f, 0.9f, 0.9f}, evidence,
                List.of("A", "B", "C"), 0.5f, 2).get(0);
        assertEquals("A", interval.topCategory());
        assertEquals(0.6f, interval.confidence(), 1e-6f);
        assertEquals(0f, AnomalyIntervals.detect(new float[]{0.9f, 0.9f}, new float[2][3], List.of("A", "B", "C"),
                0.5f, 2).get(0).confidence());  // no evidence: no confidence
    }

    @Test
    void theCategoryIsShownAtOrAboveTheCalibratedConfidenceAndUnknownBelowOrWithoutOne() {
        AnomalyIntervals.Interval interval = new AnomalyIntervals.Interval(0, 2, 0.9f, "Arson", 0.6f);
        assertEquals("Arson", interval.shownCategory(0.6f));
        assertEquals("unknown", interval.shownCategory(0.61f));
        assertEquals("unknown", interval.shownCategory(null));
    }

    @Test
    void sparklineAveragesDownToTheWidth() {
        assertEquals("▁█", Sparkline.of(new float[]{0f, 0f, 1f, 1f}, 2));
        assertEquals("▁▆█", Sparkline.of(new float[]{0f, 0.7f, 1f}, 80));  // 0.7 * 8 bars -> the 6th
    }
}
