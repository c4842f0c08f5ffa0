package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;
import io.refinevad.server.events.ServedAlarmSettings;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelBundleException;
import io.refinevad.server.model.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which alarm threshold and category confidence clients are told, and where each comes from. */
class ServedAlarmSettingsTest {
    private static final ModelManifest.Calibration TRAINING = new ModelManifest.Calibration("training videos");
    private static final EventSettingsValues EVENTS = EventSettingsValues.DEFAULTS;
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void theManifestsCalibrationsAreServedAsTheModelsOwn() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(0.42, 0.61, TRAINING), Optional.empty(), EVENTS);
        assertEquals(0.42f, served.getThreshold());
        assertEquals(SettingSource.SETTING_SOURCE_MANIFEST, served.getThresholdSource());
        assertTrue(served.hasCategoryConfidence());
        assertEquals(0.61f, served.getCategoryConfidence());
        assertEquals(SettingSource.SETTING_SOURCE_MANIFEST, served.getCategoryConfidenceSource());
    }

    @Test
    void theDeploymentsThresholdWinsOverTheManifests() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(0.42, 0.61, TRAINING), Optional.of(0.9), EVENTS);
        assertEquals(0.9f, served.getThreshold());
        assertEquals(SettingSource.SETTING_SOURCE_DETECTOR, served.getThresholdSource());
        assertEquals(0.61f, served.getCategoryConfidence());
    }

    @Test
    void withoutCalibrationsTheDefaultThresholdAndNoCategoryAreSaidToBeDefaults() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(null, null, null), Optional.empty(), EVENTS);
        assertEquals(0.5f, served.getThreshold());
        assertEquals(SettingSource.SETTING_SOURCE_DEFAULT, served.getThresholdSource());
        assertFalse(served.hasCategoryConfidence());
        assertEquals(SettingSource.SETTING_SOURCE_DEFAULT, served.getCategoryConfidenceSource());
    }

    @Test
    void aCalibrationThatFoundNoGoodConfidenceIsTheManifestsWordThatEveryCategoryIsUnknown() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(0.42, null, TRAINING), Optional.empty(), EVENTS);
        assertFalse(served.hasCategoryConfidence());
        assertEquals(SettingSource.SETTING_SOURCE_MANIFEST, served.getCategoryConfidenceSource());
    }

    @Test
    void aDeploymentThresholdOutsideZeroToOneIsRefusedNamingTheProperty() {
        for (double bad : new double[]{0.0, -0.1, 1.5, Double.NaN}) {
            ModelBundleException e = assertThrows(ModelBundleException.class,
                    () -> ServedAlarmSettings.of(manifest(null, null, null), Optional.of(bad), EVENTS));
            assertEquals("refinevad.alarm.threshold must be in (0, 1] (a score at or above it is anomalous), is "
                    + bad, e.getMessage());
        }
        assertEquals(1.0f, ServedAlarmSettings.of(manifest(null, null, null), Optional.of(1.0), EVENTS)
                .getThreshold());
    }

    @Test
    void theEventRuleIsServedBesideTheThresholdWithAHysteresisThatKeepsTheReleaseLevelAboveZero() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(0.42, null, TRAINING), Optional.empty(), EVENTS);
        assertEquals(2, served.getMinSegments());
        assertEquals(2, served.getQuietSegments());
        assertEquals(0.1f, served.getHysteresis());
        AlarmSettings low = ServedAlarmSettings.of(manifest(0.12, null, TRAINING), Optional.empty(), EVENTS);
        assertEquals(0.06f, low.getHysteresis(), "half the threshold when that is below 0.1");
        AlarmSettings set = ServedAlarmSettings.of(manifest(0.42, null, TRAINING), Optional.empty(),
                EVENTS.withHysteresis(0.2f));
        assertEquals(0.2f, set.getHysteresis());
    }

    @Test
    void aServerWithEventsOffTellsNoEventRuleSoThatClientsDoNotWaitForEvents() {
        AlarmSettings served = ServedAlarmSettings.of(manifest(0.42, null, TRAINING), Optional.empty(),
                new EventSettingsValues(false, Optional.empty(), 2, 2, 16, Optional.empty()));
        assertEquals(0, served.getMinSegments());
        assertEquals(0, served.getQuietSegments());
        assertEquals(0.42f, served.getThreshold());
    }

    @Test
    void aHysteresisThatWouldNeverReleaseIsRefusedNamingTheSettings() {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ServedAlarmSettings.of(
                manifest(0.42, null, TRAINING), Optional.empty(), EVENTS.withHysteresis(0.5f)));
        assertEquals("refinevad.events.*: the event hysteresis must be at least 0 and below the threshold 0.42, "
                + "is 0.5 (the alarm threshold's source: SETTING_SOURCE_MANIFEST)", e.getMessage());
    }

    @Test
    void aManifestWithAThresholdOrConfidenceOutsideZeroToOneIsRefused(@TempDir Path directory) throws Exception {
        String base = "{\"name\": \"m\", \"feature_dim\": 4, \"window\": 8, \"categories\": [\"A\"],"
                + " \"files\": {\"model.onnx\": {}}, ";
        Files.writeString(directory.resolve("manifest.json"), base + "\"threshold\": 1.2}");
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> ModelBundle.open(directory, mapper));
        assertTrue(e.getMessage().endsWith("threshold must be a score in [0, 1], is 1.2"), e.getMessage());
        Files.writeString(directory.resolve("manifest.json"), base + "\"category_confidence\": -0.5}");
        e = assertThrows(ModelBundleException.class, () -> ModelBundle.open(directory, mapper));
        assertTrue(e.getMessage().endsWith("category_confidence must be a share in [0, 1] or null, is -0.5"),
                e.getMessage());
        Files.writeString(directory.resolve("manifest.json"), base + "\"threshold\": 0.3, \"category_confidence\":"
                + " null, \"category_calibration\": {\"source\": \"training videos\", \"value\": null}}");
        ModelManifest read = ModelBundle.open(directory, mapper).manifest();
        assertEquals(0.3, read.threshold().doubleValue());
        assertEquals(TRAINING, read.categoryCalibration());
    }

    private static ModelManifest manifest(Double threshold, Double categoryConfidence,
                                          ModelManifest.Calibration calibration) {
        return new ModelManifest("m", "1", 4, 8, 16, List.of("A", "B"), Map.of(), threshold, categoryConfidence,
                calibration);
    }
}
