package io.refinevad.server.stream;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import sun.misc.Signal;

/**
 * SIGTERM, the way Kubernetes stops a pod, ends the application as an exit with status 0 would: the same shutdown
 * (GracefulShutdown's drain first), then status 0. Left to the JVM, a process stopped by SIGTERM exits 143 (128 +
 * the signal) however cleanly it drained, and the container is reported terminated with an Error.
 */
@Singleton
public class TermSignal {

    void install(@Observes StartupEvent event) {
        Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
    }
}
