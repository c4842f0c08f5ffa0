package io.refinevad.server.stream;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Ends streams whose cameras went silent, so that they stop holding capacity the autoscaler counts. */
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
        timer.scheduleAtFixedRate(() -> registry.sessions().forEach(s -> s.endIfIdle(limits.idleTimeout())),
                period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
