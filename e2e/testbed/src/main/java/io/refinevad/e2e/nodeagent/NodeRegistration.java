package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * The node's presence in the API: the Node object (capacity including {@code nvidia.com/gpu}, so GPU requests are
 * scheduled for real), its status, and the heartbeat Lease in kube-node-lease that the node lifecycle controller
 * watches. Without the heartbeat the controller would mark the node NotReady and evict its pods after 40 seconds.
 */
final class NodeRegistration {

    static final String HOST_IP = "127.0.0.1";
    static final String KUBERNETES_VERSION = "v1.34.4";
    private static final int LEASE_SECONDS = 40;

    private final KubernetesClient client;
    private final NodeAgentOptions options;
    private final String registeredAt = ContainerRunner.timestamp(Instant.now());

    NodeRegistration(KubernetesClient client, NodeAgentOptions options) {
        this.client = client;
        this.options = options;
    }

    void register() {
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName(options.nodeName())
                .withLabels(Map.of(
                        "kubernetes.io/hostname", options.nodeName(),
                        "kubernetes.io/os", "linux",
                        "kubernetes.io/arch", "amd64",
                        "refinevad.io/node-agent", "true"))
                .withAnnotations(Map.of("refinevad.io/stand-in",
                        "node agent: a test stand-in for the kubelet that runs pods as local processes"))
                .endMetadata()
                .build();
        if (client.nodes().withName(options.nodeName()).get() == null) {
            client.nodes().resource(node).create();
        }
        writeStatus();
    }

    /** Renews the lease and, less often, the Ready condition; called every few seconds. */
    void heartbeat(boolean refreshStatus) {
        try {
            renewLease();
            if (refreshStatus) {
                writeStatus();
            }
        } catch (KubernetesClientException e) {
            System.err.println("node-agent: heartbeat failed: " + e.getMessage());
        }
    }

    private void writeStatus() {
        Map<String, Quantity> resources = Map.of(
                "cpu", new Quantity(options.cpu()),
                "memory", new Quantity(options.memory()),
                "pods", new Quantity("110"),
                "ephemeral-storage", new Quantity("100Gi"),
                "nvidia.com/gpu", new Quantity(String.valueOf(options.gpus())));
        String now = ContainerRunner.timestamp(Instant.now());
        List<NodeCondition> conditions = List.of(
                condition("Ready", "True", "KubeletReady", "node agent (kubelet test stand-in) is posting ready status", now),
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "no memory pressure", now),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "no disk pressure", now),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "sufficient PIDs", now));
        Map<String, Object> status = Map.of(
                "capacity", resources,
                "allocatable", resources,
                "conditions", conditions,
                "addresses", List.of(Map.of("type", "InternalIP", "address", HOST_IP),
                        Map.of("type", "Hostname", "address", options.nodeName())),
                "nodeInfo", Map.of(
                        "kubeletVersion", KUBERNETES_VERSION,
                        "kubeProxyVersion", "",
                        "operatingSystem", "linux",
                        "architecture", "amd64",
                        "containerRuntimeVersion", "refinevad-node-agent://0.1.0",
                        "osImage", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                        "kernelVersion", System.getProperty("os.version"),
                        "machineID", "", "systemUUID", "", "bootID", ""));
        client.nodes().withName(options.nodeName()).subresource("status")
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(Map.of("status", status)));
    }

    private void renewLease() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        var leases = client.leases().inNamespace("kube-node-lease");
        Lease existing = leases.withName(options.nodeName()).get();
        if (existing == null) {
            Node node = client.nodes().withName(options.nodeName()).get();
            leases.resource(new LeaseBuilder()
                    .withNewMetadata()
                    .withName(options.nodeName())
                    .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(options.nodeName())
                    .withUid(node.getMetadata().getUid()).endOwnerReference()
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity(options.nodeName())
                    .withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(now)
                    .endSpec()
                    .build()).create();
        } else {
            existing.getSpec().setRenewTime(now);
            leases.resource(existing).update();
        }
    }

    private NodeCondition condition(String type, String status, String reason, String message, String now) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now).withLastTransitionTime(registeredAt).build();
    }
}
