package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/** Voluntary disruptions (node drains, upgrades) take one scoring pod at a time, so its streams can move. */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.SCORER_SELECTOR))
public class DisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, AnomalyDetector> {

    public DisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(DetectorResources.disruptionBudgetName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(DetectorResources.podSelector(detector)).endSelector()
                .endSpec()
                .build();
    }
}
