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
        assertEquals(List.of(new AnomalyIntervals.Interval(1, 3, 0.9f, "Fighting"),
                new AnomalyIntervals.Interval(6, 8, 0.8f, "Arson")), found);  // the single segment 4 is flicker
    }

    @Test
    void sparklineAveragesDownToTheWidth() {
        assertEquals("▁█", Sparkline.of(new float[]{0f, 0f, 1f, 1f}, 2));
        assertEquals("▁▆█", Sparkline.of(new float[]{0f, 0.7f, 1f}, 80));  // 0.7 * 8 bars -> the 6th
    }
}
