package io.refinevad.operator.dependent;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.policy.Placement;

/**
 * The scoring pods. The replica count is the scaling decision the reconciler made in this pass (it runs the
 * workflow after deciding); the pod template comes from {@link ScoringPodTemplate}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.SCORER_SELECTOR))
public class ScoringDeploymentDependent extends CRUDKubernetesDependentResource<Deployment, AnomalyDetector> {

    /** Context key of the replica count decided in this reconciliation. */
    public static final String DESIRED_REPLICAS = "desiredReplicas";
    /**
     * Context key of where the product's images are ({@link ProductImages}): the operator's setting, for this
     * Deployment and the gateway's.
     */
    public static final String IMAGES = "images";
    /**
     * Context key of the placement the detector names, resolved by the platform policy (the reconciler runs the
     * workflow only for a detector within it).
     */
    public static final String PLACEMENT = "placement";

    public ScoringDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    protected Deployment desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        int replicas = context.managedWorkflowAndDependentResourceContext()
                .getMandatory(DESIRED_REPLICAS, Integer.class);
        return ScoringPodTemplate.deployment(detector, replicas,
                context.managedWorkflowAndDependentResourceContext().getMandatory(IMAGES, ProductImages.class),
                context.managedWorkflowAndDependentResourceContext().getMandatory(PLACEMENT, Placement.class));
    }
}
