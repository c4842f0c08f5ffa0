package io.refinevad.gateway.health;

import io.quarkus.grpc.runtime.GrpcServerRecorder;
import io.refinevad.gateway.pods.PodDiscovery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready (/q/health/ready) once the gRPC server listens and pod discovery has told what pods there are (the first list
 * of the EndpointSlices is done). Deliberately not tied to a scoring pod being ready: a gateway with none stays in its
 * Service and answers cameras UNAVAILABLE "no ready scoring pod for detector X", which says more than a refused
 * connection would, and it takes streams again the moment a pod is ready, without waiting for its own probe.
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    static final String NAME = "refinevad-gateway";

    private final BooleanSupplier grpcServerUp;
    private final BooleanSupplier podsListed;

    @Inject
    public GatewayReadiness(PodDiscovery discovery) {
        // The separate gRPC server counts its started instances (Quarkus's own record, 0 before and after it runs).
        this(() -> GrpcServerRecorder.getVerticleCount() > 0, discovery::listed);
    }

    GatewayReadiness(BooleanSupplier grpcServerUp, BooleanSupplier podsListed) {
        this.grpcServerUp = grpcServerUp;
        this.podsListed = podsListed;
    }

    @Override
    public HealthCheckResponse call() {
        boolean grpc = grpcServerUp.getAsBoolean();
        boolean listed = podsListed.getAsBoolean();
        return HealthCheckResponse.named(NAME).status(grpc && listed)
                .withData("grpc-server", grpc ? "listening" : "not started")
                .withData("scoring-pods", listed ? "listed" : "not listed yet").build();
    }
}
