package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.refinevad.operator.crd.AnomalyDetector;

/**
 * The scoring server's configuration (application.properties), mounted into every pod. Written with server-side
 * apply, like every other dependent (JOSDK's default for ConfigMaps is create and replace, a PUT), so that the
 * operator's RBAC needs patch and never update.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DetectorResources.MANAGED_SELECTOR),
        useSSA = BooleanWithUndefined.TRUE)
public class ServerConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, AnomalyDetector> {

    public static final String FILE = "application.properties";

    public ServerConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(AnomalyDetector detector, Context<AnomalyDetector> context) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(DetectorResources.configMapName(detector))
                .withNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.labels(detector))
                .endMetadata()
                .addToData(FILE, ServerProperties.of(detector))
                .build();
    }
}
