package io.refinevad.bench;

import io.refinevad.client.ScoringClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Where the gateway puts streams, as the scoring pods themselves count them (PodStreams), and whether every segment
 * of them is answered once. N streams at RATE segments per second through the gateway, then:
 * <ul>
 *   <li>{@code spread}: once every stream is open, each pod's streams against the even share (N / pods);</li>
 *   <li>{@code surge}: only the first pod is running: once every stream is open on it, prints
 *   {@value #SURGE_OPEN} (the script then starts the others), waits for every pod to answer, and times from then
 *   until every pod is within TOLERANCE of the even share (the gateway rebalancing).</li>
 * </ul>
 * Then, when the streams end: segments answered once out of those sent, streams lost, latency, and the CPU per
 * answered segment of each watched process (NAME=PID, e.g. gateway=1234); the goals as Goal lines.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.GatewayPlacement \
 *       spread|surge GATEWAY_HOST:PORT ADMIN_HOST:PORT,... STREAMS RATE SEGMENTS TOLERANCE [NAME=PID,...]
 */
public final class GatewayPlacement {
    static final String SURGE_OPEN = "[surge] every stream is open on the first pod";
    /** Issue 15's goal for a surge from 1 to 3 pods. */
    private static final int SURGE_GOAL_SECONDS = 30;
    private static final long POLL_MILLIS = 100;
    private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long EVEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private GatewayPlacement() {
    }

    public static void main(String[] args) throws Exception {
        boolean surge = switch (args[0]) {
            case "spread" -> false;
            case "surge" -> true;
            default -> throw new IllegalArgumentException("mode spread or surge, not " + args[0]);
        };
        String gateway = args[1];
        List<String> admins = List.of(args[2].split(","));
        int streams = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        int segments = Integer.parseInt(args[5]);
        int tolerance = Integer.parseInt(args[6]);
        List<String> names = new ArrayList<>();
        List<ProcessHandle> watched = new ArrayList<>();
        for (String named : args.length > 7 ? args[7].split(",") : new String[0]) {
            names.add(named.substring(0, named.indexOf('=')));
            watched.addAll(StreamLoad.processes(named.substring(named.indexOf('=') + 1)));
        }
        double even = (double) streams / admins.size();
        try (ScoringClient client = new ScoringClient(gateway); PodStreams pods = new PodStreams(admins)) {
            int dim = client.modelInfo().getFeatureDim();
            float[] clip = StreamLoad.clip(segments, dim);
            System.err.printf("[%s] %d streams x %d segments at %.1f/s through %s, pods %s%n", args[0], streams,
                    segments, rate, gateway, admins);
            CompletableFuture<StreamLoad.Level> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return StreamLoad.run(client, clip, dim, segments, rate, streams, watched, true);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            long[] open = awaitOpen(pods, streams, surge);
            System.out.printf("streams open: %d; streams per pod %s; even share %.1f%n",
                    Arrays.stream(open).filter(count -> count > 0).sum(), PodStreams.format(open), even);
            String share = String.format("%.0f +- %d", even, tolerance);
            if (surge) {
                System.out.println(SURGE_OPEN);
                double seconds = timeToEven(pods, even, tolerance);
                Goal.print(String.format("surge: every pod at %s within %d s of the new pods ready", share,
                        SURGE_GOAL_SECONDS), Double.isNaN(seconds) ? "never" : String.format("%.1f s", seconds),
                        seconds <= SURGE_GOAL_SECONDS);
            } else {
                Goal.print(String.format("%d streams placed over %d pods at %s each", streams, pods.pods(), share),
                        PodStreams.format(open), within(open, even, tolerance));
            }
            StreamLoad.Level level = load.join();
            System.out.printf("answered %.1f seg/s, latency p50 %.2f ms, p99 %.2f ms, streams lost %d%n",
                    level.throughput(), level.p50() / 1e3, level.p99() / 1e3, level.lost());
            StringBuilder cpu = new StringBuilder(String.format("cpu us per answered segment: load generator %.0f",
                    level.clientCpuMicros()));
            for (int i = 0; i < names.size(); i++) {
                cpu.append(String.format(", %s %.0f", names.get(i), level.processCpuMicros()[i]));
            }
            System.out.println(cpu);
            Goal.print(String.format("%d streams at %.1f seg/s: every segment answered once", streams, rate),
                    level.answeredOnce() + " of " + level.sent(), level.answeredOnce() == level.sent());
        }
    }

    /**
     * Waits until the pods that answer hold every stream (in a surge, the first pod alone) and returns their counts;
     * after a minute returns what they hold then.
     */
    private static long[] awaitOpen(PodStreams pods, int streams, boolean surge) throws InterruptedException {
        long deadline = System.nanoTime() + OPEN_TIMEOUT_NANOS;
        while (true) {
            long[] counts = pods.counts();
            if (Arrays.stream(counts).filter(count -> count > 0).sum() == streams
                    && (!surge || counts[0] == streams) || System.nanoTime() - deadline > 0) {
                return counts;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /**
     * Seconds from every pod answering until every pod is within the tolerance of the even share (NaN: not within
     * two minutes).
     */
    private static double timeToEven(PodStreams pods, double even, int tolerance) throws InterruptedException {
        long opened = System.nanoTime();
        long[] counts = pods.counts();
        while (Arrays.stream(counts).anyMatch(count -> count == PodStreams.UNREACHABLE)) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            counts = pods.counts();
        }
        long ready = System.nanoTime();
        System.out.printf("the other pods answered %.1f s after the streams were open: streams per pod %s%n",
                (ready - opened) / 1e9, PodStreams.format(counts));
        long lastProgress = ready;
        while (!within(counts, even, tolerance) && System.nanoTime() - ready < EVEN_TIMEOUT_NANOS) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            counts = pods.counts();
            if (System.nanoTime() - lastProgress >= TimeUnit.SECONDS.toNanos(1)) {
                lastProgress = System.nanoTime();
                System.err.printf("[surge] %.0f s after the pods were ready: %s%n", (lastProgress - ready) / 1e9,
                        PodStreams.format(counts));
            }
        }
        double seconds = (System.nanoTime() - ready) / 1e9;
        System.out.printf("%.1f s after the other pods were ready: streams per pod %s%n", seconds,
                PodStreams.format(counts));
        return within(counts, even, tolerance) ? seconds : Double.NaN;
    }

    private static boolean within(long[] counts, double even, int tolerance) {
        return Arrays.stream(counts).allMatch(count -> Math.abs(count - even) <= tolerance);
    }
}
