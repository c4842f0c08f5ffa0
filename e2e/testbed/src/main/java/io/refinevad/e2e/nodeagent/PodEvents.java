package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;

/** The events a kubelet records on a pod (Started, Killing, BackOff, Unhealthy, Failed), so `kubectl describe` and
 *  `kubectl get events` tell the same story here as on a real node. */
final class PodEvents {

    private final KubernetesClient client;
    private final String nodeName;

    PodEvents(KubernetesClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    void normal(Pod pod, String container, String reason, String message) {
        record(pod, container, "Normal", reason, message);
    }

    void warning(Pod pod, String container, String reason, String message) {
        record(pod, container, "Warning", reason, message);
    }

    private void record(Pod pod, String container, String type, String reason, String message) {
        String now = ContainerRunner.timestamp(Instant.now());
        var metadata = pod.getMetadata();
        try {
            client.v1().events().inNamespace(metadata.getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(metadata.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion("v1").withKind("Pod").withName(metadata.getName())
                    .withNamespace(metadata.getNamespace()).withUid(metadata.getUid())
                    .withFieldPath(container == null ? null : "spec.containers{" + container + "}")
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withReportingComponent("kubelet").withReportingInstance(nodeName)
                    .build()).create();
        } catch (KubernetesClientException e) {
            System.err.println("node-agent: event " + reason + " for " + metadata.getName() + " not recorded: "
                    + e.getMessage());
        }
    }
}
