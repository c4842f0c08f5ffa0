package io.refinevad.server.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import jakarta.inject.Singleton;

/**
 * Readiness, the one owner of the default gRPC health service (""), which the pod's startup and readiness probes
 * ask for, and of the Open Inference Protocol's ServerReady: SERVING once the engine is warm (EngineWarmup), while
 * the server is not draining and its batcher's worker is alive. Each cause is kept apart, so that ending one (an
 * undrain) does not report SERVING while another (a cold engine, a dead worker) still holds.
 */
@Singleton
public class Readiness {
    private final GrpcHealthStorage health;
    private boolean warm;
    private boolean draining;
    private boolean batcherDead;

    public Readiness(GrpcHealthStorage health) {
        this.health = health;
        publish();
    }

    /**
     * The warm-up begins. Quarkus's gRPC server marks "" SERVING once it listens, which is before the application's
     * start event that runs the warm-up: this says NOT_SERVING again, a moment (about 0.1 s) later. A readiness
     * probe that asked in between only lets the next one run: a pod is Ready on a readiness probe's success.
     */
    public synchronized void warmingUp() {
        warm = false;
        publish();
    }

    /** The engine has run every batch size the warm-up covers (or the warm-up is over, whatever happened). */
    public synchronized void warmedUp() {
        warm = true;
        publish();
    }

    public synchronized void drainStarted() {
        draining = true;
        publish();
    }

    public synchronized void drainEnded() {
        draining = false;
        publish();
    }

    /** For good: nothing will be scored again. */
    public synchronized void batcherDied() {
        batcherDead = true;
        publish();
    }

    public synchronized boolean ready() {
        return warm && !draining && !batcherDead;
    }

    private void publish() {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME,
                ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
}
