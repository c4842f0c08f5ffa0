package io.refinevad.bench;

import io.refinevad.api.v1.ModelInfo;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * End-to-end load through gRPC: N concurrent streams, each sending `segments` segments at `rate` segments per
 * second (0: as fast as answers allow), against a running server. Prints, per N, the answered segments per second,
 * the offered rate, and p50/p99 latency from send to answer.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.StreamLoad \
 *       HOST:PORT RATE SEGMENTS N1,N2,...
 */
public final class StreamLoad {
    private StreamLoad() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        double rate = Double.parseDouble(args[1]);
        int segments = Integer.parseInt(args[2]);
        int[] levels = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        try (ScoringClient client = new ScoringClient(target)) {
            ModelInfo info = client.modelInfo();
            float[] clip = new float[segments * info.getFeatureDim()];
            Random random = new Random(7);
            for (int i = 0; i < clip.length; i++) {
                clip[i] = (float) random.nextGaussian();
            }
            System.out.printf("%8s %14s %16s %10s %10s %8s%n", "streams", "offered seg/s", "answered seg/s",
                    "p50 ms", "p99 ms", "lost");
            for (int streams : levels) {
                Level level = run(client, clip, info.getFeatureDim(), segments, rate, streams);
                System.out.printf("%8d %14s %16.1f %10.2f %10.2f %8d%n", streams,
                        rate > 0 ? String.format("%.0f", streams * rate) : "max", level.throughput, level.p50 / 1e3,
                        level.p99 / 1e3, level.lost);
                System.err.printf("[bench] %d streams done%n", streams);
            }
        }
    }

    record Level(double throughput, double p50, double p99, long lost) {
    }

    static Level run(ScoringClient client, float[] clip, int dim, int segments, double rate, int streams)
            throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<StreamResult>> futures = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            futures.add(client.stream("load-" + streams + "-" + s, clip, segments, dim, rate));
        }
        List<Long> latencies = new ArrayList<>();
        long lost = 0;
        for (CompletableFuture<StreamResult> future : futures) {
            StreamResult result = future.get();
            for (long latency : result.latencyMicros()) {
                if (latency > 0) {
                    latencies.add(latency);
                }
            }
            lost += result.status().isOk() ? 0 : 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Level(sorted.length / seconds, percentile(sorted, 0.5), percentile(sorted, 0.99), lost);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
