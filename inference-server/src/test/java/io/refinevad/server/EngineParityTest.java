package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.engine.PyTorchEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both engines on the exported default model against the PyTorch golden vectors (padded batches). */
class EngineParityTest {
    private static final List<InferenceEngine> ENGINES = new ArrayList<>();

    @BeforeAll
    static void load() {
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        ENGINES.add(new OnnxRuntimeEngine(bundle, 0, false));
        ENGINES.add(new PyTorchEngine(bundle, 0));
    }

    @AfterAll
    static void close() {
        ENGINES.forEach(InferenceEngine::close);
    }

    static Stream<Arguments> cases() {
        return Stream.of("OnnxRuntime", "PyTorch").flatMap(engine -> Stream.of("b2_t7", "b3_t40")
                .map(golden -> Arguments.of(engine, golden)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void reproducesTheGoldenVectors(String engineName, String golden) {
        assertMatches(engine(engineName), golden);
    }

    /** ONNX Runtime keeps its input buffers between calls: a smaller batch after a larger one must see none of it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"OnnxRuntime", "PyTorch"})
    void callsOfDifferentSizesInTurnStayExact(String engineName) {
        InferenceEngine engine = engine(engineName);
        for (String golden : List.of("b3_t40", "b2_t7", "b3_t40", "b2_t7")) {
            assertMatches(engine, golden);
        }
    }

    private static InferenceEngine engine(String name) {
        return ENGINES.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private static void assertMatches(InferenceEngine engine, String golden) {
        String engineName = engine.name();
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
        assertTrue(scoreDiff < GoldenVectors.TOLERANCE, engineName + " scores differ by " + scoreDiff);
        assertTrue(probDiff < GoldenVectors.TOLERANCE, engineName + " probs differ by " + probDiff);
    }
}
