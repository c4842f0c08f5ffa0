package io.refinevad.server.model;

import io.refinevad.api.AlarmDefaults;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;
import java.util.Optional;

/**
 * What clients are told to show operators (refinevad.v1.AlarmSettings): the alarm threshold of the deployment
 * (refinevad.alarm.threshold, which the operator sets from the AnomalyDetector's model.alarmThreshold), else the
 * model's calibrated one, else the API's default; and the model's calibrated category confidence, if it has one.
 */
public final class ServedAlarmSettings {
    public static final String THRESHOLD_PROPERTY = "refinevad.alarm.threshold";

    private ServedAlarmSettings() {
    }

    public static AlarmSettings of(ModelManifest manifest, Optional<Double> deploymentThreshold) {
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
        return settings.build();
    }
}
