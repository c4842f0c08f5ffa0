package io.refinevad.operator;

import io.javaoperatorsdk.operator.RuntimeInfo;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * One run of the operator, started on its own thread (JOSDK blocks until its informers have synced, and health and
 * metrics must answer meanwhile), and what became of it, for the health checks: JOSDK's own runtime information
 * says whether it runs and whether its informers are healthy; this class adds what JOSDK cannot report afterwards,
 * a start that threw, and a stop that the application asked for.
 */
public final class OperatorRun {

    private static final Logger LOG = Logger.getLogger(OperatorRun.class);

    private final DetectorOperator operator;
    private volatile Throwable startFailure;
    private volatile boolean started;
    private volatile boolean stopRequested;

    private OperatorRun(DetectorOperator operator) {
        this.operator = operator;
    }

    public static OperatorRun startInBackground(DetectorOperator operator) {
        OperatorRun run = new OperatorRun(operator);
        Thread starter = new Thread(run::start, "operator-start");
        starter.setDaemon(true);
        starter.start();
        return run;
    }

    private void start() {
        try {
            operator.start();
            started = true;
        } catch (RuntimeException | Error e) {
            startFailure = e;
            LOG.errorf(e, "The operator failed to start and reconciles nothing; its readiness and liveness checks"
                    + " report DOWN until it is restarted. Cause: %s", describe(e));
        }
    }

    /** Stops the operator; a stop asked for is not a death (liveness stays UP while the application shuts down). */
    public void stop() {
        stopRequested = true;
        operator.close();
    }

    /** Why the operator cannot reconcile now (starting, failed, stopped, informers not watching), or empty. */
    public Optional<String> notReadyBecause() {
        Optional<String> dead = deadBecause();
        if (dead.isPresent()) {
            return dead;
        }
        RuntimeInfo runtime = operator.runtimeInfo();
        if (!runtime.isStarted()) {
            return Optional.of(stopRequested ? "the operator is stopping" : "the operator is starting");
        }
        if (!runtime.allEventSourcesAreHealthy()) {
            Set<String> unhealthy = new TreeSet<>();
            runtime.unhealthyEventSources().forEach((controller, sources) ->
                    sources.keySet().forEach(source -> unhealthy.add(controller + "/" + source)));
            return Optional.of("event sources not healthy (an informer cannot list or watch): " + unhealthy);
        }
        return Optional.empty();
    }

    /** Why the operator will not recover by itself (its start failed, or it stopped unasked), or empty. */
    public Optional<String> deadBecause() {
        if (startFailure != null) {
            return Optional.of("the operator failed to start: " + describe(startFailure));
        }
        if (started && !stopRequested && !operator.runtimeInfo().isStarted()) {
            return Optional.of("the operator stopped");
        }
        return Optional.empty();
    }

    /**
     * The root cause's message: JOSDK wraps the API server's answer (which names the resource and says Not Found or
     * Forbidden) in six layers of exceptions whose messages add nothing.
     */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage().strip() : root.toString();
    }
}
