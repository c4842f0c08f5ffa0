package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/** The gateway pods' identity, which {@link GatewayRoleBindingDependent} lets watch the scoring EndpointSlices. */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.GATEWAY_SELECTOR))
public class GatewayServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, AnomalyDetector> {

    public GatewayServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(DetectorResources.gatewayName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.gatewayLabels(detector))
                .endMetadata()
                .build();
    }
}
