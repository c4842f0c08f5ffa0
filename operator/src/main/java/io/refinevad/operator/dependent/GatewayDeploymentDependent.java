package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * The gateway's pods ({@link GatewayPodTemplate}), while spec.gateway.enabled holds ({@link GatewayEnabled}). Its
 * informer sees only gateway objects, the scoring Deployment's only scoring ones.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.GATEWAY_SELECTOR))
public class GatewayDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, AnomalyDetector> {

    public GatewayDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return GatewayPodTemplate.deployment(detector, context.managedWorkflowAndDependentResourceContext()
                .getMandatory(ScoringDeploymentDependent.IMAGES, ProductImages.class));
    }
}
