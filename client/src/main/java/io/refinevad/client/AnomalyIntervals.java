package io.refinevad.client;

import io.refinevad.api.events.CategoryEvidence;
import java.util.ArrayList;
import java.util.List;

/** Turns per-segment scores into anomalous intervals: runs of segments at or above a threshold. */
public final class AnomalyIntervals {
    /**
     * [start, end) in segments, the peak score, the top category (the highest evidence summed over the interval)
     * and its confidence: its share of the evidence summed over every category (AlarmSettings.category_confidence
     * in scoring.proto; refinevad.events.category_of_alarm computes the same in Python).
     */
    public record Interval(int start, int end, float peak, String topCategory, float confidence) {

        /**
         * The top category when its confidence reaches categoryConfidence, else CategoryEvidence.UNKNOWN (always when
         * null).
         */
        public String shownCategory(Float categoryConfidence) {
            return CategoryEvidence.shown(topCategory, confidence, categoryConfidence);
        }
    }

    private AnomalyIntervals() {
    }

    /**
     * @param evidence per segment, per category (may be empty: then the top category is "" with confidence 0)
     * @param minSegments shorter runs are ignored as flicker
     */
    public static List<Interval> detect(float[] scores, float[][] evidence, List<String> categories,
                                        float threshold, int minSegments) {
        List<Interval> found = new ArrayList<>();
        int start = -1;
        for (int t = 0; t <= scores.length; t++) {
            boolean above = t < scores.length && scores[t] >= threshold;
            if (above && start < 0) {
                start = t;
            } else if (!above && start >= 0) {
                if (t - start >= minSegments) {
                    found.add(describe(scores, evidence, categories, start, t));
                }
                start = -1;
            }
        }
        return found;
    }

    private static Interval describe(float[] scores, float[][] evidence, List<String> categories, int start,
                                     int end) {
        float peak = 0;
        for (int t = start; t < end; t++) {
            peak = Math.max(peak, scores[t]);
        }
        CategoryEvidence summed = new CategoryEvidence(categories);
        for (int t = start; t < end; t++) {
            summed.add(evidence[t]);
        }
        return new Interval(start, end, peak, summed.top(), summed.confidence());
    }
}
