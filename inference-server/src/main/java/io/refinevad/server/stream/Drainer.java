package io.refinevad.server.stream;

import io.quarkus.logging.Log;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.health.Readiness;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Drain: report NOT_SERVING (readiness fails, so Kubernetes stops sending new streams), refuse new streams, and hand
 * the open ones back to their clients: each learns its last accepted segment, gets every answer up to it, and
 * resumes on another replica.
 *
 * <p>A drain asked for on the admin plane can be undone (Undrain): the operator undrains a pod that drains although
 * nobody is deleting it. A drain for shutdown cannot: the process is about to exit.
 */
@Singleton
public class Drainer {
    private final StreamRegistry registry;
    private final Readiness readiness;
    private boolean shuttingDown;

    public Drainer(StreamRegistry registry, Readiness readiness) {
        this.registry = registry;
        this.readiness = readiness;
    }

    /**
     * Synchronized with {@link #undrain}, so that an undrain never interleaves with handing the open calls back:
     * it takes effect before the drain starts or after every call it found was handed back.
     */
    public synchronized void drain(String reason) {
        if (!registry.draining()) {
            Log.infof("draining (%s): %d active streams", reason, registry.activeStreams());
        }
        registry.startDraining();
        readiness.drainStarted();
        registry.calls().forEach(session -> session.handBack(reason));
    }

    /**
     * Ends a drain: new streams are accepted again and health turns SERVING, unless another cause keeps it
     * NOT_SERVING (Readiness: a cold engine, a dead batcher). Streams already handed back stay where their clients
     * took them. Refused with FAILED_PRECONDITION once the server is shutting down.
     *
     * @return whether the server was draining
     */
    public synchronized boolean undrain() {
        if (shuttingDown) {
            throw GrpcErrors.failedPrecondition("this server is shutting down (it received SIGTERM) and cannot be "
                    + "undrained; its streams move to the other replicas");
        }
        if (!registry.draining()) {
            return false;
        }
        registry.stopDraining();
        readiness.drainEnded();
        Log.infof("undrained: serving again, %d active streams", registry.activeStreams());
        return true;
    }

    /**
     * SIGTERM: drains for good (Undrain is refused from here on) and waits until every StreamScores call has been
     * answered and closed, or the timeout passes.
     */
    public boolean drainForShutdown(Duration timeout) throws InterruptedException {
        synchronized (this) {
            shuttingDown = true;
        }
        drain("server shutting down");
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
