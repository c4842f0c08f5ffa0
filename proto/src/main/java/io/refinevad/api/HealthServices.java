package io.refinevad.api;

/**
 * Service names the scoring server reports on {@code grpc.health.v1.Health}, beside the default service "" (which
 * is SERVING while the server takes new streams: NOT_SERVING while it drains). The operator's pod probes name them,
 * so both sides read them here.
 */
public final class HealthServices {

    /**
     * SERVING while the server can score at all, draining or not; NOT_SERVING once its batcher's worker has died and
     * no batch would be served again. The pod's liveness probe asks for it, so a drained pod is not restarted but a
     * hung one is.
     */
    public static final String LIVENESS = "refinevad.v1.Liveness";

    private HealthServices() {
    }
}
