package io.refinevad.bench;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a server's readiness health service ("", which a pod's readiness probe asks) answers SERVING and its
 * GetModelInfo answers, and prints the seconds since START_EPOCH_MILLIS (when its `java -jar` began): "serving 3.21 s".
 * Exits 1 after TIMEOUT seconds without it. The GPU check's time to SERVING (bench/gpu-check.sh, step 3), and the
 * startup benchmark's (FirstSegments).
 *
 *   java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.AwaitServing \
 *       HOST:PORT START_EPOCH_MILLIS TIMEOUT_SECONDS
 */
public final class AwaitServing {
    private AwaitServing() {
    }

    public static void main(String[] args) throws InterruptedException {
        OptionalDouble serving = secondsUntilServing(args[0], Long.parseLong(args[1]), Long.parseLong(args[2]));
        if (serving.isEmpty()) {
            System.out.println("not serving after " + args[2] + " s");
            System.exit(1);
        }
        System.out.printf("serving %.2f s%n", serving.getAsDouble());
    }

    /**
     * Seconds from startMillis (epoch) until the server at target serves, health SERVING and GetModelInfo answering;
     * empty after timeoutSeconds. Polls every 20 ms.
     */
    static OptionalDouble secondsUntilServing(String target, long startMillis, long timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            while (System.nanoTime() < deadline) {
                try {
                    if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING
                            && answersModelInfo(channel)) {
                        return OptionalDouble.of((System.currentTimeMillis() - startMillis) / 1e3);
                    }
                } catch (StatusRuntimeException notYet) {
                    // not listening yet, or not serving yet
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return OptionalDouble.empty();
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * Whether GetModelInfo, which names the engine, answers: Quarkus's gRPC server says SERVING for a moment when it
     * begins listening, before the engine is built at start (a GPU provider that cannot load stops the server then).
     */
    private static boolean answersModelInfo(ManagedChannel channel) {
        ScoringGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getModelInfo(GetModelInfoRequest.getDefaultInstance());
        return true;
    }
}
