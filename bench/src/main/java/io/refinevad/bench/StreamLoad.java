package io.refinevad.bench;

import io.refinevad.client.ScoringClient;
import io.refinevad.client.StreamResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end load through gRPC: N concurrent streams, each sending `segments` segments at `rate` segments per
 * second (0: as fast as answers allow), against a running server. Prints, per N, the answered segments per second,
 * the offered rate, p50/p99 latency from send to answer, and the CPU time per answered segment that this load
 * generator spent and, given the server's process id on the same machine, that the server spent. A warm-up round
 * (64 streams as fast as answers allow) runs first and is not reported, so both sides' JIT has settled.
 * The gateway benchmarks (GatewayOverhead, GatewayPlacement) run their streams with {@link #run} too.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.StreamLoad \
 *       HOST:PORT RATE SEGMENTS N1,N2,... [SERVER_PID]
 */
public final class StreamLoad {
    private StreamLoad() {
    }

    private static final int WARM_UP_STREAMS = 64;
    static final int WARM_UP_SEGMENTS = 200;

    public static void main(String[] args) throws Exception {
        String target = args[0];
        double rate = Double.parseDouble(args[1]);
        int segments = Integer.parseInt(args[2]);
        int[] levels = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        List<ProcessHandle> server = args.length > 4 ? processes(args[4]) : List.of();
        try (ScoringClient client = new ScoringClient(target)) {
            int dim = client.modelInfo().getFeatureDim();
            float[] clip = clip(segments, dim);
            warmUp(client, clip, dim, segments);
            System.out.printf("%8s %14s %16s %10s %10s %8s %18s %18s%n", "streams", "offered seg/s", "answered seg/s",
                    "p50 ms", "p99 ms", "lost", "client cpu us/seg", "server cpu us/seg");
            for (int streams : levels) {
                Level level = run(client, clip, dim, segments, rate, streams, server, false);
                System.out.printf("%8d %14s %16.1f %10.2f %10.2f %8d %18.0f %18s%n", streams,
                        rate > 0 ? String.format("%.0f", streams * rate) : "max", level.throughput, level.p50 / 1e3,
                        level.p99 / 1e3, level.lost, level.clientCpuMicros,
                        server.isEmpty() ? "-" : String.format("%.0f", level.processCpuMicros[0]));
                System.err.printf("[bench] %d streams done%n", streams);
            }
        }
    }

    /**
     * What a load run achieved: latencies in microseconds, streams lost (not ended OK), and the segments answered
     * once (those of the streams that ended OK: such a stream got as many answers as segments, checked by the client,
     * and an answer to every segment, checked here) out of those sent. CPU per answered segment of this process and
     * of each process watched.
     */
    record Level(double throughput, double p50, double p99, long lost, long answeredOnce, long sent,
                 double clientCpuMicros, double[] processCpuMicros) {
    }

    /** A [segments, dim] matrix of Gaussian features, the same every run. */
    static float[] clip(int segments, int dim) {
        float[] clip = new float[segments * dim];
        Random random = new Random(7);
        for (int i = 0; i < clip.length; i++) {
            clip[i] = (float) random.nextGaussian();
        }
        return clip;
    }

    /** An unreported round as fast as answers allow, so that the JIT of both sides has settled. */
    static void warmUp(ScoringClient client, float[] clip, int dim, int segments) throws Exception {
        int warmUpSegments = Math.min(segments, WARM_UP_SEGMENTS);
        System.err.printf("[bench] warm-up: %d streams x %d segments%n", WARM_UP_STREAMS, warmUpSegments);
        run(client, clip, dim, warmUpSegments, 0, WARM_UP_STREAMS, List.of(), false);
    }

    /** The processes of a comma-separated list of process ids. */
    static List<ProcessHandle> processes(String pids) {
        return Arrays.stream(pids.split(",")).map(pid -> ProcessHandle.of(Long.parseLong(pid)).orElseThrow(
                () -> new IllegalArgumentException("no process " + pid))).toList();
    }

    /**
     * Runs the streams and watches the CPU time of the given processes. Staggered paced streams start spread over one
     * period, as independent cameras do; otherwise all start at once, so that every period's segments arrive in one
     * burst (bench/e2e.sh's table was measured so).
     */
    static Level run(ScoringClient client, float[] clip, int dim, int segments, double rate, int streams,
                     List<ProcessHandle> watched, boolean staggered) throws Exception {
        long clientCpu = ProcessCpu.nanos();
        long[] watchedCpu = watched.stream().mapToLong(StreamLoad::cpuNanos).toArray();
        long start = System.nanoTime();
        long staggerNanos = staggered && rate > 0 ? (long) (1e9 / rate / streams) : 0;
        List<CompletableFuture<StreamResult>> futures = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            long wait = start + s * staggerNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            futures.add(client.stream("load-" + streams + "-" + s, clip, segments, dim, rate));
        }
        List<Long> latencies = new ArrayList<>();
        long lost = 0;
        long answeredOnce = 0;
        for (CompletableFuture<StreamResult> future : futures) {
            StreamResult result = future.get();
            long answered = 0;
            for (long latency : result.latencyMicros()) {
                if (latency > 0) {
                    latencies.add(latency);
                    answered++;
                }
            }
            lost += result.status().isOk() ? 0 : 1;
            answeredOnce += result.status().isOk() ? answered : 0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double answered = Math.max(1, sorted.length);
        double[] watchedCpuMicros = new double[watched.size()];
        for (int i = 0; i < watchedCpuMicros.length; i++) {
            watchedCpuMicros[i] = (cpuNanos(watched.get(i)) - watchedCpu[i]) / 1e3 / answered;
        }
        return new Level(sorted.length / seconds, percentile(sorted, 0.5), percentile(sorted, 0.99), lost,
                answeredOnce, (long) streams * segments, (ProcessCpu.nanos() - clientCpu) / 1e3 / answered,
                watchedCpuMicros);
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
                () -> new IllegalStateException("cannot read the CPU time of process " + process.pid()));
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
