package io.refinevad.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.api.events.EventRule;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.SettingSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** What the embedded default model's manifest.json says clients should be told, read from the file itself. */
final class DefaultModelManifest {
    private static final String RESOURCE = "refinevad/default-model/manifest.json";

    private DefaultModelManifest() {
    }

    /** The manifest's calibrations as AlarmSettings (the default model has both), with the default event rule. */
    static AlarmSettings alarms() {
        JsonNode manifest = read();
        if (!manifest.has("threshold") || !manifest.has("category_calibration")) {
            throw new IllegalStateException(RESOURCE + " has no calibrations; run python3 -m refinevad.calibrate");
        }
        AlarmSettings.Builder expected = AlarmSettings.newBuilder()
                .setThreshold((float) manifest.get("threshold").asDouble())
                .setThresholdSource(SettingSource.SETTING_SOURCE_MANIFEST)
                .setCategoryConfidenceSource(SettingSource.SETTING_SOURCE_MANIFEST)
                .setHysteresis(EventRule.DEFAULT_HYSTERESIS)
                .setMinSegments(EventRule.DEFAULT_MIN_SEGMENTS)
                .setQuietSegments(EventRule.DEFAULT_QUIET_SEGMENTS);
        if (!manifest.get("category_confidence").isNull()) {
            expected.setCategoryConfidence((float) manifest.get("category_confidence").asDouble());
        }
        return expected.build();
    }

    private static JsonNode read() {
        try (InputStream in = DefaultModelManifest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
