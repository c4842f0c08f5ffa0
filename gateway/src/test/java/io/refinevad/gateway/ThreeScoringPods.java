package io.refinevad.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.refinevad.testsupport.PackagedScoringServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Three packaged scoring servers (inference-server/target/quarkus-app, the embedded default model) as processes,
 * given to the gateway under test as its static pod list, with a short load-report period. The tests find them
 * through the configuration (TestPod), not through this class, which Quarkus may load apart from them.
 */
public class ThreeScoringPods implements QuarkusTestResourceLifecycleManager {
    /** The gateway's stream limit in these tests. */
    static final int STREAM_LIMIT = 16;
    /** Their process ids, in the order of refinevad.gateway.pods.static. */
    static final String PIDS = "refinevad.test.pod-pids";
    private final List<PackagedScoringServer> pods = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        List<CompletableFuture<PackagedScoringServer>> starting = IntStream.range(0, 3)
                .mapToObj(index -> CompletableFuture.supplyAsync(() -> startPod(index))).toList();
        starting.forEach(pod -> pods.add(pod.join()));
        return Map.of(
                PIDS, pods.stream().map(pod -> String.valueOf(pod.process().pid())).collect(Collectors.joining(",")),
                "refinevad.gateway.pods.static", pods.stream()
                        .map(pod -> pod.target() + ":" + pod.adminPort())
                        .collect(Collectors.joining(",")),
                "refinevad.gateway.pods.load-report-period", "200ms",
                "refinevad.gateway.streams.limit", String.valueOf(STREAM_LIMIT),
                "refinevad.gateway.rebalance.period", "500ms",
                "refinevad.gateway.rebalance.moves-per-second", "4",
                "refinevad.gateway.detector", "lobby");
    }

    private static PackagedScoringServer startPod(int index) {
        try {
            return PackagedScoringServer.start(Golden.REPOSITORY.resolve(
                    "inference-server/target/quarkus-app/quarkus-run.jar"),
                    Path.of("target", "pod-" + index + ".log").toAbsolutePath());
        } catch (Exception e) {
            throw new IllegalStateException("scoring pod " + index + " did not start", e);
        }
    }

    @Override
    public void stop() {
        for (PackagedScoringServer pod : pods) {
            try {
                pod.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pods.clear();
    }
}
