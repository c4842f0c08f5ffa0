package io.refinevad.server.stream;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends calls whose cameras went silent (opened or not) and calls stuck ending, so that they stop holding capacity
 * the autoscaler counts and cannot hold a drain forever.
 */
@Startup
@Singleton
public class IdleStreamReaper {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "refinevad-idle-streams");
        thread.setDaemon(true);
        return thread;
    });

    public IdleStreamReaper(StreamRegistry registry, StreamLimits limits) {
        long period = Math.max(50, Math.min(1000, limits.idleTimeout().toMillis() / 4));
        timer.scheduleAtFixedRate(() -> registry.calls().forEach(s -> s.endIfIdle(limits.idleTimeout())),
                period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
