package io.refinevad.gateway;

import io.refinevad.api.NpyFloatMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The default model's golden stream: 50 segments of 512 features and their causal-window scores. */
final class Golden {
    static final Path REPOSITORY = Path.of(System.getProperty("refinevad.repository", ".."))
            .toAbsolutePath().normalize();
    static final float TOLERANCE = 1e-4f;
    static final NpyFloatMatrix CLIP = read("stream_x.npy");
    static final float[] SCORES = read("stream_scores.npy").values();

    private Golden() {
    }

    static int segments() {
        return CLIP.shape()[0];
    }

    static int featureDim() {
        return CLIP.shape()[1];
    }

    private static NpyFloatMatrix read(String name) {
        try {
            return NpyFloatMatrix.read(REPOSITORY.resolve("model/default/export/golden").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
