package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;
import org.junit.jupiter.api.Test;

/** Which threshold and category confidence the client uses, and how it tells the operator. */
class AlarmRuleTest {
    private static final AlarmSettings CALIBRATED = AlarmSettings.newBuilder()
            .setThreshold(0.43f).setThresholdSource(SettingSource.SETTING_SOURCE_MANIFEST)
            .setCategoryConfidence(0.55f).setCategoryConfidenceSource(SettingSource.SETTING_SOURCE_MANIFEST).build();
    private static final AnomalyIntervals.Interval SURE = new AnomalyIntervals.Interval(3, 6, 0.9f, "Arson", 0.71f);
    private static final AnomalyIntervals.Interval UNSURE = new AnomalyIntervals.Interval(3, 6, 0.9f, "Arson", 0.2f);

    @Test
    void theServersThresholdAndConfidenceAreUsedAndSaid() {
        AlarmRule rule = AlarmRule.of(CALIBRATED, null);
        assertEquals(0.43f, rule.threshold());
        assertEquals("alarm threshold 0.430 (the server's, calibrated on the model's training videos); categories"
                + " shown at confidence >= 0.55 (calibrated on the model's training videos), else unknown; alarms are runs of 2+ segments at or above the threshold",
                rule.describe());
        assertEquals("Arson (confidence 0.71)", rule.category(SURE));
        assertEquals("unknown (confidence 0.20 < 0.55)", rule.category(UNSURE));
    }

    @Test
    void aServerThatMakesAnomalyEventsHasItsEventsShownUnlessTheOperatorSetsAThreshold() {
        AlarmSettings withEvents = CALIBRATED.toBuilder().setMinSegments(2).setQuietSegments(2).setHysteresis(0.1f)
                .build();
        AlarmRule rule = AlarmRule.of(withEvents, null);
        assertTrue(rule.serverEvents());
        assertTrue(rule.describe().endsWith("; alarms are the server's anomaly events"), rule.describe());
        assertFalse(AlarmRule.of(withEvents, 0.9f).serverEvents(), "the server's events follow its own threshold");
        assertFalse(AlarmRule.of(CALIBRATED, null).serverEvents(), "a server older than AnomalyEvent");
    }

    @Test
    void theOperatorsThresholdWinsAndIsSaid() {
        AlarmRule rule = AlarmRule.of(CALIBRATED, 0.9f);
        assertEquals(0.9f, rule.threshold());
        assertEquals("--threshold", rule.thresholdSource());
        assertEquals(0.55f, rule.categoryConfidence().floatValue());
    }

    @Test
    void aDetectorThresholdAndACalibrationThatFoundNoConfidenceAreSaid() {
        AlarmRule rule = AlarmRule.of(AlarmSettings.newBuilder().setThreshold(0.7f)
                .setThresholdSource(SettingSource.SETTING_SOURCE_DETECTOR)
                .setCategoryConfidenceSource(SettingSource.SETTING_SOURCE_MANIFEST).build(), null);
        assertEquals("alarm threshold 0.700 (the server's, set for this detector); every category unknown (the"
                + " model's calibration found no confidence at which the category is right often enough); alarms are runs of 2+ segments at or above the threshold",
                rule.describe());
        assertEquals("unknown (confidence 0.71, none calibrated)", rule.category(SURE));
    }

    @Test
    void aServerOlderThanAlarmSettingsGetsTheApisDefaultThresholdAndNoCategory() {
        AlarmRule rule = AlarmRule.of(AlarmSettings.getDefaultInstance(), null);
        assertEquals(0.5f, rule.threshold());
        assertNull(rule.categoryConfidence());
        assertEquals("alarm threshold 0.500 (the client's default: the server does not tell one); every category"
                + " unknown (the server does not tell one); alarms are runs of 2+ segments at or above the threshold", rule.describe());
    }

    @Test
    void aThresholdOutsideZeroToOneIsRefusedSayingWhatIsAllowed() {
        assertEquals(0.25f, Main.threshold("0.25").floatValue());
        assertNull(Main.threshold(null));
        for (String bad : new String[]{"0", "1.5", "-1", "high", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.threshold(bad));
            assertEquals("--threshold " + bad + " is not allowed: give a score in (0, 1], e.g. 0.5", e.getMessage());
        }
    }
}
