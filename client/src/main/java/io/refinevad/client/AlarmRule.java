package io.refinevad.client;

import io.refinevad.api.AlarmDefaults;
import io.refinevad.api.events.CategoryEvidence;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;

/**
 * What this client shows an operator: the alarm threshold (the server's, unless --threshold is given) and the
 * category confidence the server serves (null: every category is unknown), each with where it came from; and
 * whether the alarms are the server's own anomaly events (its threshold, and a server that makes events) or the
 * client's runs of segments at or above its threshold.
 */
record AlarmRule(float threshold, String thresholdSource, Float categoryConfidence, String categorySource,
                 boolean serverEvents) {

    /** The server's settings, with the operator's --threshold (null: none) in place of its threshold. */
    static AlarmRule of(AlarmSettings served, Float thresholdOverride) {
        float threshold;
        String thresholdSource;
        if (thresholdOverride != null) {
            threshold = thresholdOverride;
            thresholdSource = "--threshold";
        } else if (served.getThresholdSource() == SettingSource.SETTING_SOURCE_UNSPECIFIED) {
            threshold = AlarmDefaults.THRESHOLD;
            thresholdSource = "the client's default: the server does not tell one";
        } else {
            threshold = served.getThreshold();
            thresholdSource = "the server's, " + source(served.getThresholdSource());
        }
        Float confidence = served.hasCategoryConfidence() ? served.getCategoryConfidence() : null;
        String categorySource = switch (served.getCategoryConfidenceSource()) {
            case SETTING_SOURCE_MANIFEST -> confidence != null ? source(SettingSource.SETTING_SOURCE_MANIFEST)
                    : "the model's calibration found no confidence at which the category is right often enough";
            case SETTING_SOURCE_UNSPECIFIED -> "the server does not tell one";
            default -> "the model has no calibrated category confidence";
        };
        // min_segments is set only by servers that make anomaly events, always with their threshold.
        boolean serverEvents = thresholdOverride == null && served.getMinSegments() > 0;
        return new AlarmRule(threshold, thresholdSource, confidence, categorySource, serverEvents);
    }

    private static String source(SettingSource source) {
        return switch (source) {
            case SETTING_SOURCE_MANIFEST -> "calibrated on the model's training videos";
            case SETTING_SOURCE_DETECTOR -> "set for this detector";
            case SETTING_SOURCE_DEFAULT -> "the API's default: the model has no calibrated threshold";
            default -> "source " + source;
        };
    }

    /** One line for the operator: which threshold and category confidence this report uses, and why. */
    String describe() {
        String categories = categoryConfidence != null
                ? String.format("categories shown at confidence >= %.2f (%s), else unknown", categoryConfidence,
                        categorySource)
                : "every category unknown (" + categorySource + ")";
        return String.format("alarm threshold %.3f (%s); %s; %s", threshold, thresholdSource, categories,
                serverEvents ? "alarms are the server's anomaly events" : "alarms are runs of "
                        + StreamReport.MIN_ALARM_SEGMENTS + "+ segments at or above the threshold");
    }

    /** How an interval's category reads: the category or unknown, with its confidence beside it. */
    String category(AnomalyIntervals.Interval interval) {
        String shown = interval.shownCategory(categoryConfidence);
        if (!shown.equals(CategoryEvidence.UNKNOWN)) {
            return String.format("%s (confidence %.2f)", shown, interval.confidence());
        }
        return categoryConfidence != null
                ? String.format("%s (confidence %.2f < %.2f)", shown, interval.confidence(), categoryConfidence)
                : String.format("%s (confidence %.2f, none calibrated)", shown, interval.confidence());
    }
}
