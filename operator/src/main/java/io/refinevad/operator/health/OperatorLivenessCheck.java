package io.refinevad.operator.health;

import io.refinevad.operator.OperatorLifecycle;
import io.refinevad.operator.OperatorRun;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless the operator is dead for good: its start threw (JOSDK has stopped it and does not retry) or it
 * stopped without being asked. Kubernetes then restarts the container, which is how a start is retried once the
 * CRD or the RBAC is fixed. Starting and unhealthy informers (which fabric8 retries) are not deaths.
 */
@Liveness
@ApplicationScoped
public class OperatorLivenessCheck implements HealthCheck {

    private final OperatorLifecycle lifecycle;

    public OperatorLivenessCheck(OperatorLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return OperatorHealth.response(lifecycle.run().flatMap(OperatorRun::deadBecause));
    }
}
