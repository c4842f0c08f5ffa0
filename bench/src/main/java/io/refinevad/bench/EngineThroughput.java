package io.refinevad.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.engine.PyTorchEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import java.util.Arrays;
import java.util.Random;

/**
 * Raw engine throughput in this process: windows of W segments per second at batch 1..64 for both engines, each
 * beside the batch-1 figure of the same engine (the ratio is what to compare across runs on a noisy machine), and
 * the achieved FLOP rate beside this machine's fp32 matrix-multiply rate measured in the same run.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.EngineThroughput [seconds]
 */
public final class EngineThroughput {
    private static final int[] BATCHES = {1, 2, 4, 8, 16, 32, 64};

    private EngineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        ModelManifest m = bundle.manifest();
        double flopsPerWindow = ModelFlops.perWindow(bundle, m.window());
        // ONNX Runtime first: libtorch's OpenMP threads keep spinning after each call and would steal its cores.
        double[] ort = measure(new OnnxRuntimeEngine(bundle, 0), m, seconds);
        InferenceEngine pytorch = new PyTorchEngine(bundle, 0);  // sets libtorch's thread count for the matmul too
        double peak = matmulGflops(1024, seconds);
        double[] torch = measure(pytorch, m, seconds);
        System.out.printf("model %s: D=%d, window W=%d, %.1f MFLOP per window (estimate); fp32 matmul 1024^3 on "
                + "this machine: %.1f GFLOP/s%n%n", m.name(), m.featureDim(), m.window(), flopsPerWindow / 1e6, peak);
        System.out.printf("%-12s %6s %14s %12s %10s %12s%n", "engine", "batch", "windows/s", "vs batch 1",
                "GFLOP/s", "% of matmul");
        print("OnnxRuntime", ort, flopsPerWindow, peak);
        print("PyTorch", torch, flopsPerWindow, peak);
    }

    private static double[] measure(InferenceEngine engine, ModelManifest m, double seconds) {
        double[] rates = new double[BATCHES.length];
        for (int i = 0; i < BATCHES.length; i++) {
            rates[i] = windowsPerSecond(engine, BATCHES[i], m.window(), m.featureDim(), seconds);
            System.err.printf("[bench] %s batch %d: %.0f windows/s%n", engine.name(), BATCHES[i], rates[i]);
        }
        engine.close();
        return rates;
    }

    private static void print(String engine, double[] rates, double flopsPerWindow, double peak) {
        for (int i = 0; i < BATCHES.length; i++) {
            double gflops = rates[i] * flopsPerWindow / 1e9;
            System.out.printf("%-12s %6d %14.1f %11.2fx %10.2f %11.1f%%%n", engine, BATCHES[i], rates[i],
                    rates[i] / rates[0], gflops, 100 * gflops / peak);
        }
    }

    static double windowsPerSecond(InferenceEngine engine, int batch, int window, int dim, double seconds) {
        float[] x = new float[batch * window * dim];
        Random random = new Random(batch);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] mask = new float[batch * window];
        Arrays.fill(mask, 1f);
        EngineInput input = new EngineInput(batch, window, dim, x, mask);
        for (int i = 0; i < 3; i++) {
            engine.run(input);  // warm-up
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int runs = 0;
        while (System.nanoTime() < deadline || runs < 3) {
            engine.run(input);
            runs++;
        }
        return runs * batch / ((System.nanoTime() - start) / 1e9);
    }

    /** fp32 matrix multiply in libtorch on all cores: this machine's practical peak. */
    static double matmulGflops(int n, double seconds) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomNormal(new ai.djl.ndarray.types.Shape(n, n));
            NDArray b = manager.randomNormal(new ai.djl.ndarray.types.Shape(n, n));
            a.matMul(b).close();
            long start = System.nanoTime();
            int runs = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                a.matMul(b).close();
                runs++;
            }
            return runs * 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }
}
