package io.refinevad.gateway.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Ready takes both the gRPC server listening and the pods listed; a ready scoring pod is not asked for. */
class GatewayReadinessTest {

    @Test
    void readyOnlyOnceTheGrpcServerListensAndThePodsAreListed() {
        assertEquals(HealthCheckResponse.Status.UP, new GatewayReadiness(() -> true, () -> true).call().getStatus());
        HealthCheckResponse notListed = new GatewayReadiness(() -> true, () -> false).call();
        assertEquals(HealthCheckResponse.Status.DOWN, notListed.getStatus());
        assertEquals("not listed yet", notListed.getData().orElseThrow().get("scoring-pods"));
        HealthCheckResponse noServer = new GatewayReadiness(() -> false, () -> true).call();
        assertEquals(HealthCheckResponse.Status.DOWN, noServer.getStatus());
        assertEquals("not started", noServer.getData().orElseThrow().get("grpc-server"));
    }
}
