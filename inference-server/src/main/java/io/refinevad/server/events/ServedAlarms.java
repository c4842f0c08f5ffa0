package io.refinevad.server.events;

import io.quarkus.logging.Log;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.server.model.ModelBundle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The AlarmSettings this server tells its clients and makes its anomaly events by ({@link ServedAlarmSettings}),
 * with refinevad.alarm.threshold in place of the manifest's threshold; logged once at startup.
 */
@ApplicationScoped
public class ServedAlarms {

    @ConfigProperty(name = ServedAlarmSettings.THRESHOLD_PROPERTY)
    Optional<Double> alarmThreshold;

    @Produces
    @Singleton
    @Typed(AlarmSettings.class)
    AlarmSettings alarmSettings(ModelBundle bundle, EventSettings events) {
        AlarmSettings settings = ServedAlarmSettings.of(bundle.manifest(), alarmThreshold, events);
        Log.infof("alarm threshold %.4f (%s), category confidence %s (%s); anomaly events after %d segments at or"
                        + " above it, ending after %d below %.4f", settings.getThreshold(),
                settings.getThresholdSource(), settings.hasCategoryConfidence()
                        ? String.format("%.4f", settings.getCategoryConfidence()) : "none: every category unknown",
                settings.getCategoryConfidenceSource(), settings.getMinSegments(), settings.getQuietSegments(),
                settings.getThreshold() - settings.getHysteresis());
        return settings;
    }
}
