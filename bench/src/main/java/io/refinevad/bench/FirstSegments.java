package io.refinevad.bench;

import io.refinevad.client.ScoringClient;
import java.util.List;

/**
 * What the first cameras see on a server that has just started: waits until it serves (AwaitServing: its readiness
 * health service "", which the pod's readiness probe asks, answers SERVING, and GetModelInfo answers), prints the
 * seconds since START_EPOCH_MILLIS (when the server's `java -jar` began), then at once streams CAMERAS paced
 * cameras of segments until they have sent the first 100 segments, and reports their p99 from send to answer
 * beside the p99 of the same load once the server (and this client) ran a few rounds: the steady state, measured in
 * the same run as the baseline.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.FirstSegments \
 *       HOST:PORT START_EPOCH_MILLIS [CAMERAS, 4] [RATE per camera, 4]
 */
public final class FirstSegments {
    private static final int FIRST = 100;
    private static final int STEADY_ROUNDS = 3;
    private static final long SERVING_TIMEOUT_SECONDS = 120;

    private FirstSegments() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        long startMillis = Long.parseLong(args[1]);
        int cameras = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        double rate = args.length > 3 ? Double.parseDouble(args[3]) : 4;
        int segments = FIRST / cameras;
        double toServing = AwaitServing.secondsUntilServing(target, startMillis, SERVING_TIMEOUT_SECONDS)
                .orElseThrow(() -> new IllegalStateException(target + " did not report SERVING within "
                        + SERVING_TIMEOUT_SECONDS + " s"));
        try (ScoringClient client = new ScoringClient(target)) {
            int dim = client.modelInfo().getFeatureDim();
            float[] clip = StreamLoad.clip(segments, dim);
            StreamLoad.Level first = StreamLoad.run(client, clip, dim, segments, rate, cameras, List.of(), true);
            StreamLoad.Level steady = null;
            for (int round = 0; round < STEADY_ROUNDS; round++) {
                steady = StreamLoad.run(client, clip, dim, segments, rate, cameras, List.of(), true);
            }
            System.out.printf("to SERVING %.2f s; first %d segments p99 %.2f ms (p50 %.2f); steady state p99 %.2f ms"
                            + " (p50 %.2f, round %d of the same load); first / steady p99 %.2fx%n", toServing,
                    cameras * segments, first.p99() / 1e3, first.p50() / 1e3, steady.p99() / 1e3, steady.p50() / 1e3,
                    STEADY_ROUNDS + 1, first.p99() / steady.p99());
        }
    }
}
