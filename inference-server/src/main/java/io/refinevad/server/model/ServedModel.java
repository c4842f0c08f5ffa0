package io.refinevad.server.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Chooses the model to serve: refinevad.model.dir when configured, else the embedded default model. */
@ApplicationScoped
public class ServedModel {

    @ConfigProperty(name = "refinevad.model.dir")
    Optional<Path> modelDir;

    @Produces
    @Singleton
    ModelBundle bundle(ObjectMapper mapper) {
        Path directory = modelDir.orElseGet(() -> EmbeddedDefaultModel.extract(mapper));
        ModelBundle bundle = ModelBundle.open(directory, mapper);
        Log.infof("serving model %s version %s from %s (%s)", bundle.manifest().name(), bundle.manifest().version(),
                directory, modelDir.isPresent() ? "refinevad.model.dir" : "embedded default");
        return bundle;
    }
}
