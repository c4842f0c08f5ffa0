package io.refinevad.server.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An exported model directory: manifest.json plus the model files it lists with their sha256. A file is handed
 * to an engine only after its digest matches the manifest, so a server never serves a model other than the one
 * its manifest (and the operator's status) describes.
 */
public final class ModelBundle {
    public static final String MANIFEST = "manifest.json";

    private final Path directory;
    private final ModelManifest manifest;

    private ModelBundle(Path directory, ModelManifest manifest) {
        this.directory = directory;
        this.manifest = manifest;
    }

    public static ModelBundle open(Path directory, ObjectMapper mapper) {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelBundleException("no " + MANIFEST + " in model directory " + directory
                    + " (a model directory is the output of python3 -m refinevad.export)");
        }
        ModelManifest manifest;
        try {
            manifest = mapper.readValue(manifestFile.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelBundleException(manifestFile + " is not a valid manifest: " + e.getMessage(), e);
        }
        validate(manifest, manifestFile);
        return new ModelBundle(directory, manifest);
    }

    private static void validate(ModelManifest m, Path file) {
        require(m.name() != null && !m.name().isBlank(), file, "name is missing");
        require(m.featureDim() > 0, file, "feature_dim must be positive, is " + m.featureDim());
        require(m.window() > 0, file, "window must be positive, is " + m.window());
        require(m.categories() != null && !m.categories().isEmpty(), file, "categories must not be empty");
        require(m.files() != null && !m.files().isEmpty(), file, "files must list the model files");
        require(m.threshold() == null || (m.threshold() >= 0 && m.threshold() <= 1), file,
                "threshold must be a score in [0, 1], is " + m.threshold());
        require(m.categoryConfidence() == null || (m.categoryConfidence() >= 0 && m.categoryConfidence() <= 1), file,
                "category_confidence must be a share in [0, 1] or null, is " + m.categoryConfidence());
    }

    private static void require(boolean ok, Path file, String problem) {
        if (!ok) {
            throw new ModelBundleException(file + ": " + problem);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The same model served with another causal window W (a deployment's choice; the weights do not depend on W). */
    public ModelBundle withWindow(int window) {
        if (window <= 0) {
            throw new ModelBundleException("refinevad.model.window must be positive, is " + window);
        }
        return new ModelBundle(directory, manifest.withWindow(window));
    }

    public Path directory() {
        return directory;
    }

    /** The path of a model file whose size and content match the manifest's bytes and sha256. */
    public Path verifiedFile(String name) {
        ModelManifest.ModelFile expected = manifest.files().get(name);
        if (expected == null) {
            throw new ModelBundleException(directory.resolve(MANIFEST) + " lists no " + name
                    + "; it lists " + manifest.files().keySet());
        }
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelBundleException("model file " + file + " is missing");
        }
        long size = size(file);
        if (size != expected.bytes()) {
            // Checked first: a truncated or partly copied file is named as such, without hashing it.
            throw new ModelBundleException("model file " + file + " is " + size + " bytes but " + MANIFEST + " says "
                    + expected.bytes() + " bytes: refusing to serve a model file that is not the one described");
        }
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(expected.sha256())) {
            throw new ModelBundleException("sha256 of " + file + " is " + actual + " but " + MANIFEST + " says "
                    + expected.sha256() + ": refusing to serve a model file that is not the one described");
        }
        return file;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new ModelBundleException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 16];
            for (int n; (n = in.read(block)) > 0; ) {
                digest.update(block, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelBundleException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
