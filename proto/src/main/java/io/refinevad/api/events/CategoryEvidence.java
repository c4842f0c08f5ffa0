package io.refinevad.api.events;

import java.util.List;

/**
 * The category evidence summed over an anomaly's segments, and what it says: the top category (the highest sum,
 * the first on ties) and its confidence, its share of the evidence summed over every category (0 when that sum is
 * 0), as AlarmSettings.category_confidence in scoring.proto defines it.
 */
public final class CategoryEvidence {
    /** What an anomaly's category is shown as when its confidence is below the served category confidence. */
    public static final String UNKNOWN = "unknown";

    private final List<String> categories;
    private final double[] sums;

    public CategoryEvidence(List<String> categories) {
        this.categories = List.copyOf(categories);
        this.sums = new double[categories.size()];
    }

    /** Adds one segment's evidence: one value per category, in the model's order (extra values are ignored). */
    public void add(float[] evidence) {
        for (int c = 0; c < sums.length && c < evidence.length; c++) {
            sums[c] += evidence[c];
        }
    }

    /** The top category, or "" when the model has no categories. */
    public String top() {
        int top = topIndex();
        return top < 0 ? "" : categories.get(top);
    }

    public float confidence() {
        int top = topIndex();
        double total = 0;
        for (double sum : sums) {
            total += sum;
        }
        return top >= 0 && total > 0 ? (float) (sums[top] / total) : 0f;
    }

    /** The top category when its confidence reaches categoryConfidence, else UNKNOWN (always when null). */
    public String shown(Float categoryConfidence) {
        return shown(top(), confidence(), categoryConfidence);
    }

    /** How a category of the given confidence is shown under the served category confidence (null: none). */
    public static String shown(String top, float confidence, Float categoryConfidence) {
        return categoryConfidence != null && confidence >= categoryConfidence ? top : UNKNOWN;
    }

    private int topIndex() {
        int top = -1;
        for (int c = 0; c < sums.length; c++) {
            if (top < 0 || sums[c] > sums[top]) {
                top = c;
            }
        }
        return top;
    }
}
