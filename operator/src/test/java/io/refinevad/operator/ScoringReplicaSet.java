package io.refinevad.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the Deployment controller would make, for the tests' API server, beside which no controller manager runs: a
 * ReplicaSet that the detector's scoring Deployment controls, and the owner reference that makes a pod one of the
 * detector's own (the operator ignores pods that only carry its labels).
 */
final class ScoringReplicaSet {

    private static final Duration DEPLOYMENT_TIMEOUT = Duration.ofSeconds(60);

    private ScoringReplicaSet() {
    }

    /** Waits for the operator to create the detector's Deployment, then makes a ReplicaSet it controls. */
    static OwnerReference controllerOfPodsOf(KubernetesClient client, AnomalyDetector detector) {
        String namespace = detector.getMetadata().getNamespace();
        Deployment deployment = await().atMost(DEPLOYMENT_TIMEOUT).until(() -> client.apps().deployments()
                .inNamespace(namespace).withName(DetectorResources.deploymentName(detector)).get(), Objects::nonNull);
        Map<String, String> labels = DetectorResources.podSelector(detector);
        ReplicaSet replicaSet = client.resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(deployment.getMetadata().getName() + "-0").withNamespace(namespace)
                .withLabels(labels).withOwnerReferences(controller(deployment.getKind(), deployment.getMetadata()
                        .getName(), deployment.getMetadata().getUid())).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec().addNewContainer()
                .withName("scorer").withImage("scorer").endContainer().endSpec().endTemplate().endSpec().build())
                .create();
        return controller("ReplicaSet", replicaSet.getMetadata().getName(), replicaSet.getMetadata().getUid());
    }

    private static OwnerReference controller(String kind, String name, String uid) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(kind).withName(name).withUid(uid)
                .withController(true).build();
    }
}
