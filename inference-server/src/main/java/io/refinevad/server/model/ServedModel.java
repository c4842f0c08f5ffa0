package io.refinevad.server.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.refinevad.api.v1.AlarmSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the model to serve: refinevad.model.dir when configured, else the embedded default model; with
 * refinevad.model.window, streams use that window instead of the manifest's; and what clients are told to show
 * operators (ServedAlarmSettings), with refinevad.alarm.threshold in place of the manifest's threshold.
 */
@ApplicationScoped
public class ServedModel {

    @ConfigProperty(name = "refinevad.model.dir")
    Optional<Path> modelDir;

    @ConfigProperty(name = "refinevad.model.window")
    Optional<Integer> window;

    @ConfigProperty(name = ServedAlarmSettings.THRESHOLD_PROPERTY)
    Optional<Double> alarmThreshold;

    @Produces
    @Singleton
    ModelBundle bundle(ObjectMapper mapper) {
        Path directory = modelDir.orElseGet(() -> EmbeddedDefaultModel.extract(mapper));
        ModelBundle opened = ModelBundle.open(directory, mapper);
        ModelBundle bundle = window.map(opened::withWindow).orElse(opened);
        Log.infof("serving model %s version %s from %s (%s), window %d", bundle.manifest().name(),
                bundle.manifest().version(), directory, modelDir.isPresent() ? "refinevad.model.dir" : "embedded default",
                bundle.manifest().window());
        return bundle;
    }

    @Produces
    @Singleton
    @Typed(AlarmSettings.class)
    AlarmSettings alarmSettings(ModelBundle bundle) {
        AlarmSettings settings = ServedAlarmSettings.of(bundle.manifest(), alarmThreshold);
        Log.infof("alarm threshold %.4f (%s), category confidence %s (%s)", settings.getThreshold(),
                settings.getThresholdSource(), settings.hasCategoryConfidence()
                        ? String.format("%.4f", settings.getCategoryConfidence()) : "none: every category unknown",
                settings.getCategoryConfidenceSource());
        return settings;
    }
}
