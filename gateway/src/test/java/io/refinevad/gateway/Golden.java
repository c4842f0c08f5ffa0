package io.refinevad.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refinevad.api.NpyFloatMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

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

    /** Every segment's score once, in order, equal to the reference's causal-window score. */
    static void assertEveryScoreOnceInOrder(List<ProgramCamera.Answer> scores) {
        assertEquals(segments(), scores.size(), "scores: " + scores.stream().map(ProgramCamera.Answer::sequence)
                .toList());
        for (int t = 0; t < scores.size(); t++) {
            assertEquals(t, scores.get(t).sequence(), "the answer in place " + t);
            assertEquals(SCORES[t], scores.get(t).score(), TOLERANCE, "segment " + t);
        }
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
