package io.refinevad.server.events;

import io.refinevad.api.AlarmDefaults;
import io.refinevad.api.events.EventRule;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;
import io.refinevad.server.model.ModelBundleException;
import io.refinevad.server.model.ModelManifest;
import java.util.Optional;

/**
 * What clients are told to show operators (refinevad.v1.AlarmSettings): the alarm threshold of the deployment
 * (refinevad.alarm.threshold, which the operator sets from the AnomalyDetector's model.alarmThreshold), else the
 * model's calibrated one, else the API's default; the model's calibrated category confidence, if it has one; and
 * the server's event rule (refinevad.events.*) around that threshold.
 */
public final class ServedAlarmSettings {
    public static final String THRESHOLD_PROPERTY = "refinevad.alarm.threshold";

    private ServedAlarmSettings() {
    }

    public static AlarmSettings of(ModelManifest manifest, Optional<Double> deploymentThreshold,
                                   EventSettings events) {
        AlarmSettings.Builder settings = AlarmSettings.newBuilder();
        if (deploymentThreshold.isPresent()) {
            double threshold = deploymentThreshold.get();
            if (!(threshold > 0 && threshold <= 1)) {
                throw new ModelBundleException(THRESHOLD_PROPERTY + " must be in (0, 1] (a score at or above it is"
                        + " anomalous), is " + threshold);
            }
            settings.setThreshold((float) threshold).setThresholdSource(SettingSource.SETTING_SOURCE_DETECTOR);
        } else if (manifest.threshold() != null) {
            settings.setThreshold(manifest.threshold().floatValue())
                    .setThresholdSource(SettingSource.SETTING_SOURCE_MANIFEST);
        } else {
            settings.setThreshold(AlarmDefaults.THRESHOLD).setThresholdSource(SettingSource.SETTING_SOURCE_DEFAULT);
        }
        // A calibration without a value found no confidence good enough: still the manifest's word, not a default.
        if (manifest.categoryCalibration() != null) {
            settings.setCategoryConfidenceSource(SettingSource.SETTING_SOURCE_MANIFEST);
            if (manifest.categoryConfidence() != null) {
                settings.setCategoryConfidence(manifest.categoryConfidence().floatValue());
            }
        } else {
            settings.setCategoryConfidenceSource(SettingSource.SETTING_SOURCE_DEFAULT);
        }
        EventRule rule = eventRule(settings, events);
        if (events.enabled()) {
            // Only a server that makes events tells their rule: clients read min_segments as "events come".
            settings.setHysteresis(rule.hysteresis()).setMinSegments(rule.minSegments())
                    .setQuietSegments(rule.quietSegments());
        }
        return settings.build();
    }

    private static EventRule eventRule(AlarmSettings.Builder alarms, EventSettings events) {
        float threshold = alarms.getThreshold();
        EventRule defaults = EventRule.withThreshold(threshold);
        try {
            return new EventRule(threshold, events.hysteresis().orElse(defaults.hysteresis()), events.minSegments(),
                    events.quietSegments(), events.updateInterval());
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException("refinevad.events.*: " + e.getMessage() + " (the alarm threshold's "
                    + "source: " + alarms.getThresholdSource() + ")");
        }
    }
}
