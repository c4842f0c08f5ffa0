package io.refinevad.bench;

import io.refinevad.api.v1.ModelInfo;
import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * End-to-end load through gRPC: N concurrent streams, each sending `segments` segments at `rate` segments per
 * second (0: as fast as answers allow), against a running server. Prints, per N, the answered segments per second,
 * the offered rate, p50/p99 latency from send to answer, and the CPU time per answered segment that this load
 * generator spent and, given the server's process id on the same machine, that the server spent. A warm-up round
 * (64 streams as fast as answers allow) runs first and is not reported, so both sides' JIT has settled.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.StreamLoad \
 *       HOST:PORT RATE SEGMENTS N1,N2,... [SERVER_PID]
 */
public final class StreamLoad {
    private StreamLoad() {
    }

    private static final int WARM_UP_STREAMS = 64;
    private static final int WARM_UP_SEGMENTS = 200;

    public static void main(String[] args) throws Exception {
        String target = args[0];
        double rate = Double.parseDouble(args[1]);
        int segments = Integer.parseInt(args[2]);
        int[] levels = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        Optional<ProcessHandle> server = args.length > 4 ? ProcessHandle.of(Long.parseLong(args[4])) : Optional.empty();
        try (ScoringClient client = new ScoringClient(target)) {
            ModelInfo info = client.modelInfo();
            float[] clip = new float[segments * info.getFeatureDim()];
            Random random = new Random(7);
            for (int i = 0; i < clip.length; i++) {
                clip[i] = (float) random.nextGaussian();
            }
            int warmUpSegments = Math.min(segments, WARM_UP_SEGMENTS);
            System.err.printf("[bench] warm-up: %d streams x %d segments%n", WARM_UP_STREAMS, warmUpSegments);
            run(client, clip, info.getFeatureDim(), warmUpSegments, 0, WARM_UP_STREAMS, server);
            System.out.printf("%8s %14s %16s %10s %10s %8s %18s %18s%n", "streams", "offered seg/s", "answered seg/s",
                    "p50 ms", "p99 ms", "lost", "client cpu us/seg", "server cpu us/seg");
            for (int streams : levels) {
                Level level = run(client, clip, info.getFeatureDim(), segments, rate, streams, server);
                System.out.printf("%8d %14s %16.1f %10.2f %10.2f %8d %18.0f %18s%n", streams,
                        rate > 0 ? String.format("%.0f", streams * rate) : "max", level.throughput, level.p50 / 1e3,
                        level.p99 / 1e3, level.lost, level.clientCpuMicros,
                        server.isPresent() ? String.format("%.0f", level.serverCpuMicros) : "-");
                System.err.printf("[bench] %d streams done%n", streams);
            }
        }
    }

    record Level(double throughput, double p50, double p99, long lost, double clientCpuMicros,
                 double serverCpuMicros) {
    }

    static Level run(ScoringClient client, float[] clip, int dim, int segments, double rate, int streams,
                     Optional<ProcessHandle> server) throws Exception {
        long clientCpu = ProcessCpu.nanos();
        long serverCpu = server.map(StreamLoad::cpuNanos).orElse(0L);
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
        double answered = Math.max(1, sorted.length);
        return new Level(sorted.length / seconds, percentile(sorted, 0.5), percentile(sorted, 0.99), lost,
                (ProcessCpu.nanos() - clientCpu) / 1e3 / answered,
                (server.map(StreamLoad::cpuNanos).orElse(0L) - serverCpu) / 1e3 / answered);
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
                () -> new IllegalStateException("cannot read the CPU time of process " + process.pid()));
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
