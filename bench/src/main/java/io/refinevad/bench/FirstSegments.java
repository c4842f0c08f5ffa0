package io.refinevad.bench;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.refinevad.client.ScoringClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the first cameras see on a server that has just started: waits until its readiness health service ("",
 * which the pod's readiness probe asks) answers SERVING, prints the seconds since START_EPOCH_MILLIS (when the
 * server's `java -jar` began), then at once streams CAMERAS paced cameras of segments until they have sent the
 * first 100 segments, and reports their p99 from send to answer beside the p99 of the same load once the server
 * (and this client) ran a few rounds: the steady state, measured in the same run as the baseline.
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.FirstSegments \
 *       HOST:PORT START_EPOCH_MILLIS [CAMERAS, 4] [RATE per camera, 4]
 */
public final class FirstSegments {
    private static final int FIRST = 100;
    private static final int STEADY_ROUNDS = 3;

    private FirstSegments() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        long startMillis = Long.parseLong(args[1]);
        int cameras = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        double rate = args.length > 3 ? Double.parseDouble(args[3]) : 4;
        int segments = FIRST / cameras;
        double toServing = awaitServing(target, startMillis);
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

    /** Seconds from START_EPOCH_MILLIS until health answers SERVING; polls every 20 ms. */
    private static double awaitServing(String target, long startMillis) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                try {
                    if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
                        return (System.currentTimeMillis() - startMillis) / 1e3;
                    }
                } catch (StatusRuntimeException notYet) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException(target + " did not report SERVING within 120 s");
        } finally {
            channel.shutdownNow();
        }
    }
}
