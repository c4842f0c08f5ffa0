package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of the pods carrying a detector's labels are the detector's own: those controlled by a ReplicaSet that the
 * detector's Deployment controls. Labels prove nothing, since anyone who may create a pod in the namespace can copy
 * them, and the operator acts on its pods: their load reports drive scaling, it writes their deletion cost and
 * evicts one that drains unasked. A look-alike would fake load (scale the detector to maxReplicas) or choose which
 * pods go; ignored, it gets none of that and counts for nothing in the status.
 */
public class ScoringPodOwnership {

    private final KubernetesClient client;

    public ScoringPodOwnership(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param deployment the detector's scoring Deployment; without one no pod is the detector's
     * @param labelled the pods that carry the detector's pod selector labels
     */
    public List<Pod> owned(AnomalyDetector detector, Optional<Deployment> deployment, List<Pod> labelled) {
        if (deployment.isEmpty() || labelled.isEmpty()) {
            return List.of();
        }
        String deploymentUid = deployment.get().getMetadata().getUid();
        // A Deployment's ReplicaSets carry its pod template's labels, so the pods' selector finds them all.
        Set<String> replicaSets = client.apps().replicaSets().inNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.podSelector(detector)).list().getItems().stream()
                .filter(replicaSet -> controllerUid(replicaSet).filter(deploymentUid::equals).isPresent())
                .map(replicaSet -> replicaSet.getMetadata().getUid())
                .collect(Collectors.toSet());
        return labelled.stream()
                .filter(pod -> controllerUid(pod).filter(replicaSets::contains).isPresent())
                .toList();
    }

    /** The uid of the object's controller (the one owner reference with controller: true), if any. */
    static Optional<String> controllerUid(HasMetadata object) {
        List<OwnerReference> owners = Optional.ofNullable(object.getMetadata().getOwnerReferences()).orElse(List.of());
        return owners.stream().filter(owner -> Boolean.TRUE.equals(owner.getController()))
                .map(OwnerReference::getUid).findFirst();
    }
}
