package io.refinevad.server.stream;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * On SIGTERM (a pod being deleted or scaled down) the server drains before it stops: streams are handed back with
 * every accepted segment answered, within refinevad.drain.timeout (keep it under the pod's grace period). This drain
 * cannot be undone: Admin.Undrain is refused from the signal on. The admin plane stays up until the drain ends, so the
 * operator still reads the pod's load meanwhile. The process then exits 0 (TermSignal).
 */
@Singleton
public class GracefulShutdown {
    private final Drainer drainer;
    private final Duration timeout;

    public GracefulShutdown(Drainer drainer, @ConfigProperty(name = "refinevad.drain.timeout",
            defaultValue = "30s") Duration timeout) {
        this.drainer = drainer;
        this.timeout = timeout;
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) throws InterruptedException {
        long start = System.nanoTime();
        boolean clean = drainer.drainForShutdown(timeout);
        Log.infof("drained %s in %d ms", clean ? "cleanly" : "partially", (System.nanoTime() - start) / 1_000_000);
    }
}
