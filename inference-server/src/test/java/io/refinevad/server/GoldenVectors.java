package io.refinevad.server;

import io.refinevad.api.NpyFloatMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The golden vectors that python3 -m refinevad.export wrote beside the embedded default model. */
public final class GoldenVectors {
    public static final float TOLERANCE = 1e-4f;

    private GoldenVectors() {
    }

    public static NpyFloatMatrix read(String name) {
        String resource = "refinevad/default-model/golden/" + name + ".npy";
        try (InputStream in = GoldenVectors.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return NpyFloatMatrix.parse(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
