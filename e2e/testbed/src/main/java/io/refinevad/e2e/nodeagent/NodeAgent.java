package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;

/**
 * The node agent: a test stand-in for the kubelet. It registers a Node and runs the pods scheduled to it as local
 * processes (see {@link ImageCatalog}), with volumes as files, its own address per pod, probes, restarts and
 * graceful deletion, and reports their status through the API server like a kubelet. It cannot isolate pods
 * (no namespaces, cgroups or images) and does not enforce resource limits; it exists because no container runtime
 * runs on the machines that test this project.
 */
public final class NodeAgent {

    private NodeAgent() {
    }

    public static void main(String[] args) throws Exception {
        NodeAgentOptions options;
        try {
            options = NodeAgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("node-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        Config config = Config.fromKubeconfig(Files.readString(options.kubeconfig()));
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        ImageCatalog images = ImageCatalog.load(options.images());
        PodAddressPool addresses = new PodAddressPool(options.podCidr());
        addresses.removeStaleAddresses();
        URI apiServer = URI.create(options.apiServer());

        NodeRegistration registration = new NodeRegistration(client, options);
        registration.register();
        PodSupervisor supervisor = new PodSupervisor(client, options.nodeName(),
                options.workDir().resolve("pods"),
                new PodRunner.NodeServices(client, images, addresses, new ContainerEnvironment(client, apiServer),
                        new PodVolumes(client), new ProbeRunner(), new PodEvents(client, options.nodeName())));
        supervisor.start();
        System.err.println("node-agent: node " + options.nodeName() + " registered (cpu " + options.cpu() + ", memory "
                + options.memory() + ", nvidia.com/gpu " + options.gpus() + ", pod addresses " + options.podCidr()
                + "); running pods");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            supervisor.stopAll();
            stopped.countDown();
        }, "node-agent shutdown"));
        int beat = 0;
        while (stopped.getCount() > 0) {
            registration.heartbeat(beat++ % 6 == 0);
            Thread.sleep(10_000);
        }
    }
}
