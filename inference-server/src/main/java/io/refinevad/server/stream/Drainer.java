package io.refinevad.server.stream;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Drain: report NOT_SERVING (readiness fails, so Kubernetes stops sending new streams), refuse new streams, and hand
 * the open ones back to their clients: each learns its last accepted segment, gets every answer up to it, and
 * resumes on another replica.
 */
@Singleton
public class Drainer {
    private final StreamRegistry registry;
    private final GrpcHealthStorage health;

    public Drainer(StreamRegistry registry, GrpcHealthStorage health) {
        this.registry = registry;
        this.health = health;
    }

    public void drain(String reason) {
        if (!registry.draining()) {
            Log.infof("draining (%s): %d active streams", reason, registry.activeStreams());
        }
        registry.startDraining();
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.NOT_SERVING);
        registry.calls().forEach(session -> session.handBack(reason));
    }

    /** Drains and waits until every StreamScores call has been answered and closed, or the timeout passes. */
    public boolean drainAndWait(String reason, Duration timeout) throws InterruptedException {
        drain(reason);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (registry.openCalls() > 0) {
            if (System.nanoTime() > deadline) {
                Log.warnf("drain timed out after %d ms with %d calls open", timeout.toMillis(),
                        registry.openCalls());
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
