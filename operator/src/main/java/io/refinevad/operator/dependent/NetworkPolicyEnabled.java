package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * spec.networkPolicy.enabled, as the NetworkPolicy's reconcile precondition: when it fails, the workflow deletes the
 * policy. (Not an activation condition: JOSDK 5.3 skips a dependent whose activation condition fails but leaves
 * what it created in place.)
 */
public class NetworkPolicyEnabled implements Condition<NetworkPolicy, AnomalyDetector> {

    @Override
    public boolean isMet(DependentResource<NetworkPolicy, AnomalyDetector> dependent, AnomalyDetector detector,
            Context<AnomalyDetector> context) {
        return detector.getSpec().getNetworkPolicy().isEnabled();
    }
}
