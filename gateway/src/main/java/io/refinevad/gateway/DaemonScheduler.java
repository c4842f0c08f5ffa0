package io.refinevad.gateway;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A one-thread scheduler whose thread does not keep the JVM alive: background work that ends with the gateway. */
public final class DaemonScheduler {
    private DaemonScheduler() {
    }

    public static ScheduledExecutorService named(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
