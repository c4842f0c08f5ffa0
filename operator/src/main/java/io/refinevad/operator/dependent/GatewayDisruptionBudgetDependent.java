package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * Voluntary disruptions take one gateway pod at a time: with two or more replicas, one keeps the endpoint up while
 * the other's clients resume on it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.GATEWAY_SELECTOR))
public class GatewayDisruptionBudgetDependent
        extends CRUDKubernetesDependentResource<PodDisruptionBudget, AnomalyDetector> {

    public GatewayDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(DetectorResources.gatewayName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.gatewayLabels(detector))
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(DetectorResources.gatewayPodSelector(detector)).endSelector()
                .endSpec()
                .build();
    }
}
