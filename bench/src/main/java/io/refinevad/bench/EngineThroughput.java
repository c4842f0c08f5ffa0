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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Raw engine throughput in this process: windows of W segments per second at batch 1..64 for both engines, each
 * beside the figure of the same engine at the first batch asked for (the ratio is what to compare across runs on a noisy machine), the
 * cores the process kept busy, and the achieved FLOP rate beside this machine's fp32 matrix-multiply rate measured
 * in the same run. ONNX Runtime runs twice: as the server runs it (threads sleep between calls) and with its
 * threads spin-waiting, which is faster for an engine alone.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.EngineThroughput \
 *       [SECONDS per row, 2] [BATCHES, 1,2,4,8,16,32,64] [ENGINES, OnnxRuntime,OnnxRuntime-spin,PyTorch]
 */
public final class EngineThroughput {
    private static final String BATCHES = "1,2,4,8,16,32,64";
    // ONNX Runtime first: libtorch's OpenMP threads keep spinning after each call and would steal its cores.
    private static final List<String> ENGINES = List.of("OnnxRuntime", "OnnxRuntime-spin", "PyTorch");

    private EngineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int[] batches = Arrays.stream((args.length > 1 ? args[1] : BATCHES).split(","))
                .mapToInt(Integer::parseInt).toArray();
        List<String> wanted = args.length > 2 ? List.of(args[2].split(",")) : ENGINES;
        if (!ENGINES.containsAll(wanted)) {
            throw new IllegalArgumentException("engines " + wanted + "; allowed: " + ENGINES);
        }
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        ModelManifest m = bundle.manifest();
        double flopsPerWindow = ModelFlops.perWindow(bundle, m.window());
        Map<String, Rate[]> rates = new LinkedHashMap<>();
        for (String engine : ENGINES) {
            if (wanted.contains(engine)) {
                rates.put(engine, measure(open(engine, bundle), m, batches, seconds));
            }
        }
        // The matmul runs on libtorch, so only when PyTorch is measured anyway (its threads would disturb the rest).
        double peak = wanted.contains("PyTorch") ? matmulGflops(1024, seconds) : Double.NaN;
        System.out.printf("model %s: D=%d, window W=%d, %.1f MFLOP per window (estimate)%s%n%n", m.name(),
                m.featureDim(), m.window(), flopsPerWindow / 1e6, Double.isNaN(peak) ? ""
                        : String.format("; fp32 matmul 1024^3 on this machine: %.1f GFLOP/s", peak));
        System.out.printf("%-16s %6s %14s %12s %8s %10s %12s%n", "engine", "batch", "windows/s", "vs first",
                "cores", "GFLOP/s", "% of matmul");
        rates.forEach((engine, engineRates) -> print(engine, batches, engineRates, flopsPerWindow, peak));
    }

    /** OnnxRuntime as the server runs it (threads sleep between calls), with spinning threads, or PyTorch. */
    private static InferenceEngine open(String engine, ModelBundle bundle) {
        return switch (engine) {
            case "OnnxRuntime" -> new OnnxRuntimeEngine(bundle, 0, false);
            case "OnnxRuntime-spin" -> new OnnxRuntimeEngine(bundle, 0, true);
            default -> new PyTorchEngine(bundle, 0);  // sets libtorch's thread count for the matmul too
        };
    }

    /** Windows per second, and the cores this process kept busy meanwhile (every thread, native ones too). */
    record Rate(double windowsPerSecond, double cores) {
    }

    private static Rate[] measure(InferenceEngine engine, ModelManifest m, int[] batches, double seconds) {
        Rate[] rates = new Rate[batches.length];
        for (int i = 0; i < batches.length; i++) {
            rates[i] = windowsPerSecond(engine, batches[i], m.window(), m.featureDim(), seconds);
            System.err.printf("[bench] %s batch %d: %.0f windows/s%n", engine.name(), batches[i],
                    rates[i].windowsPerSecond());
        }
        engine.close();
        return rates;
    }

    private static void print(String engine, int[] batches, Rate[] rates, double flopsPerWindow, double peak) {
        for (int i = 0; i < batches.length; i++) {
            double perSecond = rates[i].windowsPerSecond();
            double gflops = perSecond * flopsPerWindow / 1e9;
            System.out.printf("%-16s %6d %14.1f %11.2fx %8.2f %10.2f %12s%n", engine, batches[i], perSecond,
                    perSecond / rates[0].windowsPerSecond(), rates[i].cores(), gflops,
                    Double.isNaN(peak) ? "-" : String.format("%.1f%%", 100 * gflops / peak));
        }
    }

    static Rate windowsPerSecond(InferenceEngine engine, int batch, int window, int dim, double seconds) {
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
        long cpuStart = ProcessCpu.nanos();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int runs = 0;
        while (System.nanoTime() < deadline || runs < 3) {
            engine.run(input);
            runs++;
        }
        long elapsed = System.nanoTime() - start;
        return new Rate(runs * batch / (elapsed / 1e9), (double) (ProcessCpu.nanos() - cpuStart) / elapsed);
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
