package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * Binds the gateway's ServiceAccount, in the detector's namespace only, to the ClusterRole the Helm chart installs
 * for gateways (get, list and watch EndpointSlices; the operator's refinevad.operator.gateway-cluster-role): one
 * role for every detector, granted namespace by namespace.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.GATEWAY_SELECTOR))
public class GatewayRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, AnomalyDetector> {

    /** Context key of the gateways' ClusterRole's name: the operator's setting. */
    public static final String CLUSTER_ROLE = "gatewayClusterRole";

    public GatewayRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return of(detector,
                context.managedWorkflowAndDependentResourceContext().getMandatory(CLUSTER_ROLE, String.class));
    }

    static RoleBinding of(AnomalyDetector detector, String clusterRole) {
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(DetectorResources.gatewayName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.gatewayLabels(detector))
                .endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(clusterRole).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(DetectorResources.gatewayName(detector))
                .withNamespace(detector.getMetadata().getNamespace()).endSubject()
                .build();
    }
}
