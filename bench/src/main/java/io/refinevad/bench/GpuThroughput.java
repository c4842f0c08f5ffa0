package io.refinevad.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.refinevad.server.engine.InferenceEngine;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import io.refinevad.server.model.ModelManifest;
import java.util.Arrays;

/**
 * Engine throughput on one execution provider (GpuEngines), windows of W segments per second at each batch size, as
 * EngineThroughput measures the CPU engines: the GPU check's step 4 (bench/gpu-check.sh), which samples the GPU's
 * utilisation meanwhile and sets the FLOP rate beside the GPU's peak. One line per batch:
 *
 * <pre>throughput ENGINE BATCH WINDOWS_PER_S GFLOP_PER_S CORES</pre>
 *
 *   java -cp CLASSPATH io.refinevad.bench.GpuThroughput ENGINE BATCHES [SECONDS per row, 2]
 */
public final class GpuThroughput {
    private GpuThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        int[] batches = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        ObjectMapper mapper = new ObjectMapper();
        ModelBundle bundle = ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper);
        ModelManifest m = bundle.manifest();
        double flopsPerWindow = ModelFlops.perWindow(bundle, m.window());
        try (InferenceEngine engine = GpuEngines.open(name, bundle)) {
            for (int batch : batches) {
                EngineThroughput.Rate rate = EngineThroughput.windowsPerSecond(engine, batch, m.window(),
                        m.featureDim(), seconds);
                System.out.printf("throughput %s %d %.1f %.2f %.2f%n", name, batch, rate.windowsPerSecond(),
                        rate.windowsPerSecond() * flopsPerWindow / 1e9, rate.cores());
            }
        }
    }
}
