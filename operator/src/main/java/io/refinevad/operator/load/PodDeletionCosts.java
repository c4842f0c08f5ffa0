package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;

/**
 * Tells the ReplicaSet controller which pods to remove first when the Deployment shrinks: each pod's deletion cost
 * is its active streams, so the emptiest pods go and the fewest streams have to move.
 */
public class PodDeletionCosts {

    public static final String ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

    private final KubernetesClient client;

    public PodDeletionCosts(KubernetesClient client) {
        this.client = client;
    }

    /** Writes the cost of every pod that answered its load report, where it changed. */
    public void update(String namespace, Iterable<ObservedPod> pods) {
        for (ObservedPod pod : pods) {
            if (pod.load().isEmpty() || pod.pod().getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String cost = String.valueOf(pod.load().get().getActiveStreams());
            Map<String, String> annotations = pod.pod().getMetadata().getAnnotations();
            if (annotations != null && cost.equals(annotations.get(ANNOTATION))) {
                continue;
            }
            try {
                client.pods().inNamespace(namespace).withName(pod.name()).edit(p -> new PodBuilder(p)
                        .editMetadata().addToAnnotations(ANNOTATION, cost).endMetadata().build());
            } catch (KubernetesClientException e) {
                // The pod went away meanwhile, or a conflict: the next pass writes it again.
            }
        }
    }
}
