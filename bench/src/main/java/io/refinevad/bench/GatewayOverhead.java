package io.refinevad.bench;

import io.refinevad.client.ScoringClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the gateway adds: the same paced streams straight to a scoring pod and through a gateway in front of that pod
 * alone, started spread over one period as independent cameras are, in interleaved rounds (this machine's speed
 * drifts by up to 2x over minutes, so each round compares runs made seconds apart, and which goes first alternates).
 * Per round: p50/p99 latency each way and what the gateway adds, the CPU per answered segment of the pod and of the
 * gateway (read from the OS), and the segments answered once.
 * Then the medians of the rounds against issue 15's goals, as Goal lines.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.GatewayOverhead \
 *       POD_HOST:PORT GATEWAY_HOST:PORT POD_PID GATEWAY_PID STREAMS RATE SEGMENTS ROUNDS
 */
public final class GatewayOverhead {
    /** Issue 15: the gateway adds at most this to the median latency... */
    private static final double P50_ADDED_GOAL_MS = 1;
    /** ...and spends at most this share of the scoring pod's CPU per segment. */
    private static final double CPU_SHARE_GOAL = 0.15;

    private GatewayOverhead() {
    }

    private record Round(StreamLoad.Level direct, StreamLoad.Level gateway) {
        double p50Added() {
            return (gateway.p50() - direct.p50()) / 1e3;
        }

        double p99Added() {
            return (gateway.p99() - direct.p99()) / 1e3;
        }

        /** The gateway's CPU per segment over the pod's, in the same run through the gateway. */
        double cpuShare() {
            return gateway.processCpuMicros()[1] / gateway.processCpuMicros()[0];
        }
    }

    public static void main(String[] args) throws Exception {
        String pod = args[0];
        String gateway = args[1];
        List<ProcessHandle> watched = StreamLoad.processes(args[2] + "," + args[3]);  // the pod, the gateway
        int streams = Integer.parseInt(args[4]);
        double rate = Double.parseDouble(args[5]);
        int segments = Integer.parseInt(args[6]);
        int rounds = Integer.parseInt(args[7]);
        List<Round> done = new ArrayList<>();
        try (ScoringClient direct = new ScoringClient(pod); ScoringClient through = new ScoringClient(gateway)) {
            int dim = direct.modelInfo().getFeatureDim();
            // Long enough for the full warm-up, which the gateway needs twice: its JIT starts cold, the pod's not.
            int clipSegments = Math.max(segments, StreamLoad.WARM_UP_SEGMENTS);
            float[] clip = StreamLoad.clip(clipSegments, dim);
            StreamLoad.warmUp(direct, clip, dim, clipSegments);
            StreamLoad.warmUp(through, clip, dim, clipSegments);
            StreamLoad.warmUp(through, clip, dim, clipSegments);
            for (int round = 1; round <= rounds; round++) {
                boolean directFirst = round % 2 == 1;
                System.err.printf("[overhead] round %d of %d: %d streams x %d segments at %.1f/s, %s first%n",
                        round, rounds, streams, segments, rate, directFirst ? "direct" : "gateway");
                StreamLoad.Level first = StreamLoad.run(directFirst ? direct : through, clip, dim, segments, rate,
                        streams, watched, true);
                StreamLoad.Level second = StreamLoad.run(directFirst ? through : direct, clip, dim, segments, rate,
                        streams, watched, true);
                done.add(directFirst ? new Round(first, second) : new Round(second, first));
            }
        }
        System.out.printf("%5s | %8s %8s %10s | %8s %8s %10s %10s | %9s %9s %7s | %13s %13s%n", "round", "direct",
                "", "pod", "gateway", "", "pod", "gateway", "added", "added", "gw/pod", "answered", "answered");
        System.out.printf("%5s | %8s %8s %10s | %8s %8s %10s %10s | %9s %9s %7s | %13s %13s%n", "", "p50 ms",
                "p99 ms", "us/seg", "p50 ms", "p99 ms", "us/seg", "us/seg", "p50 ms", "p99 ms", "cpu", "direct",
                "gateway");
        for (int i = 0; i < done.size(); i++) {
            Round round = done.get(i);
            StreamLoad.Level d = round.direct();
            StreamLoad.Level g = round.gateway();
            System.out.printf("%5d | %8.2f %8.2f %10.0f | %8.2f %8.2f %10.0f %10.0f | %9.2f %9.2f %6.1f%% | %13s %13s%n",
                    i + 1, d.p50() / 1e3, d.p99() / 1e3, d.processCpuMicros()[0], g.p50() / 1e3, g.p99() / 1e3,
                    g.processCpuMicros()[0], g.processCpuMicros()[1], round.p50Added(), round.p99Added(),
                    100 * round.cpuShare(), d.answeredOnce() + "/" + d.sent(), g.answeredOnce() + "/" + g.sent());
        }
        double p50Added = median(done.stream().mapToDouble(Round::p50Added).toArray());
        double cpuShare = median(done.stream().mapToDouble(Round::cpuShare).toArray());
        System.out.printf("median of %d rounds: p50 added %.2f ms, p99 added %.2f ms, gateway CPU per segment %.1f %% "
                + "of the pod's%n", done.size(), p50Added, median(done.stream().mapToDouble(Round::p99Added).toArray()),
                100 * cpuShare);
        Goal.print(String.format("overhead: p50 latency added <= %.0f ms", P50_ADDED_GOAL_MS),
                String.format("%.2f ms", p50Added), p50Added <= P50_ADDED_GOAL_MS);
        Goal.print(String.format("overhead: gateway CPU per segment <= %.0f %% of the pod's", 100 * CPU_SHARE_GOAL),
                String.format("%.1f %%", 100 * cpuShare), cpuShare <= CPU_SHARE_GOAL);
        boolean allAnswered = done.stream().allMatch(round -> round.direct().answeredOnce() == round.direct().sent()
                && round.gateway().answeredOnce() == round.gateway().sent());
        Goal.print("overhead: every segment answered once, both ways", allAnswered ? "all" : "NOT all", allAnswered);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
