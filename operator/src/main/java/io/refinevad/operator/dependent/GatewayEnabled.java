package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * spec.gateway.enabled, as the reconcile precondition of each of the gateway's dependents: when it fails, the
 * workflow deletes them. (Not an activation condition: JOSDK 5.3 skips a dependent whose activation condition fails
 * but leaves what it created in place.)
 */
public class GatewayEnabled implements Condition<HasMetadata, AnomalyDetector> {

    @Override
    public boolean isMet(DependentResource<HasMetadata, AnomalyDetector> dependent, AnomalyDetector detector,
            Context<AnomalyDetector> context) {
        return detector.getSpec().getGateway().isEnabled();
    }
}
