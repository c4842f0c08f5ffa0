package io.refinevad.server.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default model built into the server jar (model/default/export, copied at build time). Engines load models
 * from files, so the manifest and the files it lists are copied to a fresh temporary directory first.
 */
public final class EmbeddedDefaultModel {
    static final String RESOURCE_ROOT = "refinevad/default-model/";

    private EmbeddedDefaultModel() {
    }

    public static Path extract(ObjectMapper mapper) {
        try {
            Path directory = Files.createTempDirectory("refinevad-default-model-");
            directory.toFile().deleteOnExit();
            copy(ModelBundle.MANIFEST, directory);
            ModelManifest manifest = mapper.readValue(directory.resolve(ModelBundle.MANIFEST).toFile(),
                    ModelManifest.class);
            for (String file : manifest.files().keySet()) {
                copy(file, directory);
            }
            return directory;
        } catch (IOException e) {
            throw new ModelBundleException("cannot extract the embedded default model: " + e.getMessage(), e);
        }
    }

    private static void copy(String name, Path directory) throws IOException {
        try (InputStream in = EmbeddedDefaultModel.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) {
                throw new ModelBundleException("the server jar has no embedded " + name
                        + " (build it with ./mvnw package, which copies model/default/export)");
            }
            Path target = directory.resolve(name);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
        }
    }
}
