package io.refinevad.server.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.refinevad.api.HealthServices;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

/**
 * The named health service {@value HealthServices#LIVENESS}, which the pod's liveness probe asks for: SERVING from
 * the start, through drains (a draining pod must not be killed: it is handing its streams back), and NOT_SERVING
 * for good once the batcher's worker has died, so that a server whose exit hangs is still restarted.
 */
@Startup
@Singleton
public class Liveness {

    private final GrpcHealthStorage health;
    private final Readiness readiness;

    public Liveness(GrpcHealthStorage health, Readiness readiness) {
        this.health = health;
        this.readiness = readiness;
        // Before any probe can ask: the health service answers UNKNOWN for a name it was never given.
        health.setStatus(HealthServices.LIVENESS, ServingStatus.SERVING);
    }

    /** Nothing will be scored again: liveness and readiness both fail from now on. */
    public void batcherDied() {
        health.setStatus(HealthServices.LIVENESS, ServingStatus.NOT_SERVING);
        readiness.batcherDied();
    }
}
