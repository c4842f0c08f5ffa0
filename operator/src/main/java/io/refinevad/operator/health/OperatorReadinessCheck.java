package io.refinevad.operator.health;

import io.refinevad.operator.OperatorLifecycle;
import io.refinevad.operator.OperatorRun;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when JOSDK has started and all its informers list and watch: a pod whose operator failed to start (CRD
 * missing, RBAC denied) or lost its watches is not Ready, instead of looking healthy while it reconciles nothing.
 */
@Readiness
@ApplicationScoped
public class OperatorReadinessCheck implements HealthCheck {

    private final OperatorLifecycle lifecycle;

    public OperatorReadinessCheck(OperatorLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return OperatorHealth.response(lifecycle.run().map(OperatorRun::notReadyBecause)
                .orElse(OperatorHealth.NOT_STARTED_YET));
    }
}
