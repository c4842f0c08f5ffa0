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
 * The gRPC Service clients connect to, the detector's endpoint (status.endpoint): the port and type from
 * spec.service, in front of the ready gateway pods while spec.gateway is enabled, else of the ready scoring pods. Its
 * target port is the one named grpc, which both kinds of pod name so.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.MANAGED_SELECTOR))
public class GrpcServiceDependent extends CRUDKubernetesDependentResource<Service, AnomalyDetector> {

    public GrpcServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(DetectorResources.serviceName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .withNewSpec()
                .withType(detector.getSpec().getService().getType().name())
                .withSelector(DetectorResources.endpointSelector(detector))
                .addNewPort().withName("grpc").withAppProtocol("kubernetes.io/h2c")
                .withPort(detector.getSpec().getService().getPort()).withTargetPort(new IntOrString("grpc")).endPort()
                .endSpec()
                .build();
    }
}
