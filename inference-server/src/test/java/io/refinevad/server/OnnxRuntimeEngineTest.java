package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exported default model in ONNX Runtime against the PyTorch golden vectors (padded batches). */
class OnnxRuntimeEngineTest {
    private static OnnxRuntimeEngine engine;

    @BeforeAll
    static void load() {
        ObjectMapper mapper = new ObjectMapper();
        engine = new OnnxRuntimeEngine(ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper), 0);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"b2_t7", "b3_t40"})
    void reproducesTheGoldenVectors(String golden) {
        NpyFloatMatrix x = GoldenVectors.read(golden + "_x");
        NpyFloatMatrix mask = GoldenVectors.read(golden + "_mask");
        NpyFloatMatrix scores = GoldenVectors.read(golden + "_scores");
        NpyFloatMatrix probs = GoldenVectors.read(golden + "_probs");
        int[] shape = x.shape();
        EngineOutput out = engine.run(new EngineInput(shape[0], shape[1], shape[2], x.values(), mask.values()));
        assertArrayEquals(scores.shape(), new int[]{out.batch(), out.time()});
        assertEquals(probs.shape()[1], out.categories());
        float scoreDiff = GoldenVectors.maxAbsDiff(scores.values(), out.scores());
        float probDiff = GoldenVectors.maxAbsDiff(probs.values(), out.probs());
        assertTrue(scoreDiff < GoldenVectors.TOLERANCE, "scores differ by " + scoreDiff);
        assertTrue(probDiff < GoldenVectors.TOLERANCE, "probs differ by " + probDiff);
    }
}
