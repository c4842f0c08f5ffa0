package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.policy.ScoringEgress;

/**
 * The scoring pods' NetworkPolicy ({@link ScoringNetworkPolicy}). It always exists: spec.networkPolicy.enabled
 * switches its ingress rules, and its egress rules are the platform's, which a tenant cannot switch off.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.MANAGED_SELECTOR))
public class NetworkPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, AnomalyDetector> {

    /** Context key of the operator's own pods ({@link OperatorPods}), absent when the operator does not know them. */
    public static final String OPERATOR_PODS = "operatorPods";
    /** Context key of where the platform lets scoring pods connect to ({@link ScoringEgress}). */
    public static final String EGRESS = "egress";

    public NetworkPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return ScoringNetworkPolicy.of(detector,
                context.managedWorkflowAndDependentResourceContext().get(OPERATOR_PODS, OperatorPods.class),
                context.managedWorkflowAndDependentResourceContext().getMandatory(EGRESS, ScoringEgress.class));
    }
}
