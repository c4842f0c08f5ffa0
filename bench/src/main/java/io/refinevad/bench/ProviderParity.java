package io.refinevad.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One execution provider (GpuEngines) against the golden vectors exported with the default model, and its AUC on a
 * synthetic test set (python3 -m refinevad.synth: features/ID.npy, gt/ID.npy frame labels, test.list): the GPU
 * check's step 2 (bench/gpu-check.sh), which compares the AUC of TensorRT fp16 with fp32's. One line:
 *
 * <pre>parity ENGINE scores MAXDIFF probs MAXDIFF auc AUC segments N</pre>
 *
 *   java -cp CLASSPATH io.refinevad.bench.ProviderParity ENGINE [SYNTH_DIR]
 */
public final class ProviderParity {
    private static final String[] GOLDEN = {"b2_t7", "b3_t40"};
    /** FRAMES_PER_SEGMENT of model/refinevad/data.py: gt/ID.npy has one label per frame, 16 per segment. */
    private static final int FRAMES_PER_SEGMENT = 16;

    private ProviderParity() {
    }

    public static void main(String[] args) throws IOException {
        String name = args[0];
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        try (InferenceEngine engine = GpuEngines.open(name, bundle)) {
            float scoreDiff = 0;
            float probDiff = 0;
            for (String golden : GOLDEN) {
                NpyFloatMatrix x = golden(golden + "_x");
                int[] shape = x.shape();
                EngineOutput out = engine.run(new EngineInput(shape[0], shape[1], shape[2], x.values(),
                        golden(golden + "_mask").values()));
                scoreDiff = Math.max(scoreDiff, maxAbsDiff(golden(golden + "_scores").values(), out.scores()));
                probDiff = Math.max(probDiff, maxAbsDiff(golden(golden + "_probs").values(), out.probs()));
            }
            String auc = "- segments 0";
            if (args.length > 1) {
                auc = segmentAuc(engine, Path.of(args[1]));
            }
            System.out.printf("parity %s scores %.3g probs %.3g auc %s%n", name, scoreDiff, probDiff, auc);
        }
    }

    /** Every test video scored whole, each segment against its first frame's label; "AUC segments N". */
    private static String segmentAuc(InferenceEngine engine, Path data) throws IOException {
        List<float[]> scored = new ArrayList<>();  // {score, label}
        for (String id : Files.readAllLines(data.resolve("test.list"))) {
            if (id.isBlank()) {
                continue;
            }
            NpyFloatMatrix x = NpyFloatMatrix.read(data.resolve("features").resolve(id + ".npy"));
            float[] frames = NpyFloatMatrix.read(data.resolve("gt").resolve(id + ".npy")).values();
            int time = x.shape()[0];
            float[] mask = new float[time];
            Arrays.fill(mask, 1f);
            float[] scores = engine.run(new EngineInput(1, time, x.shape()[1], x.values(), mask)).scores();
            for (int t = 0; t < time; t++) {
                scored.add(new float[]{scores[t], frames[t * FRAMES_PER_SEGMENT]});
            }
        }
        return String.format("%.5f segments %d", auc(scored), scored.size());
    }

    /** The Mann-Whitney AUC: the chance a positive outscores a negative, ties counted half (ranks averaged). */
    static double auc(List<float[]> scored) {
        List<float[]> sorted = new ArrayList<>(scored);
        sorted.sort((a, b) -> Float.compare(a[0], b[0]));
        double positiveRanks = 0;
        long positives = 0;
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j < sorted.size() && sorted.get(j)[0] == sorted.get(i)[0]) {
                j++;
            }
            double rank = (i + 1 + j) / 2.0;  // ranks i+1..j share their mean
            for (int k = i; k < j; k++) {
                if (sorted.get(k)[1] > 0.5f) {
                    positiveRanks += rank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = sorted.size() - positives;
        return (positiveRanks - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static float maxAbsDiff(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalStateException("lengths differ: " + expected.length + " vs " + actual.length);
        }
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    /** The golden vectors python3 -m refinevad.export wrote beside the default model, embedded in the server jar. */
    private static NpyFloatMatrix golden(String name) throws IOException {
        String resource = "refinevad/default-model/golden/" + name + ".npy";
        try (InputStream in = ProviderParity.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " on the classpath (the server jar embeds it)");
            }
            return NpyFloatMatrix.parse(in.readAllBytes(), resource);
        }
    }
}
