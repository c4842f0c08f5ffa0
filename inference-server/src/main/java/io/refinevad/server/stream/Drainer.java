package io.refinevad.server.stream;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.logging.Log;
import jakarta.inject.Singleton;

/**
 * Drain: report NOT_SERVING (readiness fails, so Kubernetes stops sending new streams), refuse new streams, and let
 * the open ones finish their accepted segments.
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
    }
}
