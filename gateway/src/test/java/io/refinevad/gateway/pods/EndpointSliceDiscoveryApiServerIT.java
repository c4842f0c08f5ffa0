package io.refinevad.gateway.pods;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EndpointSliceDiscovery against a real API server (kube-api-test: etcd and kube-apiserver, offline, the binaries
 * e2e/tools/build-tools.sh lays out; no controllers, so the test writes the slices as the EndpointSlice controller
 * would). Addresses are documentation ones (RFC 5737; the API server refuses loopback ones): the listener is a
 * recorder and dials nothing.
 */
class EndpointSliceDiscoveryApiServerIT {
    /** The Kubernetes version e2e/tools/build-tools.sh builds (as the operator's ApiServer). */
    private static final String VERSION = "1.34.4";
    private static final String NAMESPACE = "cameras";
    private static final String SERVICE = "lobby-scoring-headless";
    private static final Duration CHANGE_SEEN = Duration.ofSeconds(30);

    private static KubeAPIServer server;
    private static KubernetesClient client;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final PodListener recorder = new PodListener() {
        @Override
        public void ready(Pod pod) {
            events.add("ready " + pod + " admin " + pod.adminPort());
        }

        @Override
        public void notReady(Pod pod) {
            events.add("not ready " + pod);
        }

        @Override
        public void removed(Pod pod) {
            events.add("removed " + pod);
        }
    };

    @BeforeAll
    static void startApiServer() {
        server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().withOfflineMode(true)
                .withApiServerVersion(VERSION).withUpdateKubeConfig(false).build());
        server.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
    }

    @AfterAll
    static void stopApiServer() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void readyEndpointsAreReadyPodsAndEveryChangeIsSeen() {
        apply(slice(SERVICE, "a", endpoint("192.0.2.2", true), endpoint("192.0.2.3", false)));
        apply(slice("another-service", "b", endpoint("192.0.2.9", true)));
        try (EndpointSliceDiscovery discovery = new EndpointSliceDiscovery(
                new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build(),
                NAMESPACE, SERVICE, 9002)) {
            assertFalse(discovery.listed(), "listed before it started");
            discovery.start(recorder);
            awaitEvents("ready 192.0.2.2:9000 admin 9002", "not ready 192.0.2.3:9000");
            await().atMost(CHANGE_SEEN).until(discovery::listed);  // the gateway's readiness waits for this

            // the second pod turns Ready, the first leaves (scale-in), a third comes in another slice
            apply(slice(SERVICE, "a", endpoint("192.0.2.3", true)));
            apply(slice(SERVICE, "c", endpoint("192.0.2.4", null)));
            awaitEvents("ready 192.0.2.2:9000 admin 9002", "not ready 192.0.2.3:9000",
                    "removed 192.0.2.2:9000", "ready 192.0.2.3:9000 admin 9002", "ready 192.0.2.4:9000 admin 9002");

            client.resource(slice(SERVICE, "a")).delete();
            await().atMost(CHANGE_SEEN).untilAsserted(() -> assertEquals("removed 192.0.2.3:9000",
                    events.get(events.size() - 1)));
        }
    }

    /** Creates or replaces the slice, as the EndpointSlice controller writes it. */
    private static void apply(EndpointSlice slice) {
        client.resource(slice).forceConflicts().serverSideApply();
    }

    private void awaitEvents(String... expected) {
        await().atMost(CHANGE_SEEN).untilAsserted(() -> assertEquals(
                List.of(expected).stream().sorted().toList(), events.stream().sorted().toList()));
    }

    private static EndpointSlice slice(String service, String suffix, Endpoint... endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withName(service + "-" + suffix).withNamespace(NAMESPACE)
                .addToLabels(EndpointSliceDiscovery.SERVICE_LABEL, service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName(EndpointSliceDiscovery.PORT_NAME).withPort(9000).withProtocol("TCP").endPort()
                .withEndpoints(endpoints).build();
    }

    /** An endpoint at {@code address}; {@code ready} null leaves the condition unset (which counts as ready). */
    private static Endpoint endpoint(String address, Boolean ready) {
        return new EndpointBuilder().withAddresses(address).withNewConditions().withReady(ready).endConditions()
                .build();
    }
}
