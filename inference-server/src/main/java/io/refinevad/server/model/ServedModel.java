package io.refinevad.server.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the model to serve: refinevad.model.dir when configured, else the embedded default model; with
 * refinevad.model.window, streams use that window instead of the manifest's.
 */
@ApplicationScoped
public class ServedModel {

    @ConfigProperty(name = "refinevad.model.dir")
    Optional<Path> modelDir;

    @ConfigProperty(name = "refinevad.model.window")
    Optional<Integer> window;

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
}
