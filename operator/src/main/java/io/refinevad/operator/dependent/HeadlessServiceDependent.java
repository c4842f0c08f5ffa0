package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * A headless Service over the scoring pods: DNS and EndpointSlices list every pod, so the gateway finds them (it
 * watches these EndpointSlices and dials each pod on the port named grpc) and gRPC clients without a gateway can
 * balance streams across pods themselves (a ClusterIP pins a long-lived HTTP/2 connection, and all its streams, to
 * one pod).
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.MANAGED_SELECTOR))
public class HeadlessServiceDependent extends CRUDKubernetesDependentResource<Service, AnomalyDetector> {

    public HeadlessServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(DetectorResources.headlessServiceName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(DetectorResources.podSelector(detector))
                .addNewPort().withName("grpc").withAppProtocol("kubernetes.io/h2c")
                .withPort(DetectorResources.GRPC_PORT).withTargetPort(new IntOrString("grpc")).endPort()
                .endSpec()
                .build();
    }
}
