package io.refinevad.operator;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A bare API server for the tests between the pure unit tests and the local cluster: etcd and kube-apiserver from
 * fabric8 kube-api-test, offline, with the binaries e2e/tools/build-tools.sh laid out. No nodes and no controllers:
 * objects are stored, validated and admitted, but nothing runs pods or collects garbage.
 */
final class ApiServer implements AutoCloseable {

    /** The Kubernetes version e2e/tools/build-tools.sh builds. */
    private static final String VERSION = "1.34.4";
    private static final Path CRD = Path.of("../crds/anomalydetectors.refinevad.io-v1.yml");

    private final KubeAPIServer server;
    private final KubernetesClient client;

    private ApiServer(KubeAPIServer server) {
        this.server = server;
        this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
                .build();
    }

    static ApiServer start() {
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion(VERSION)
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        return new ApiServer(server);
    }

    KubernetesClient client() {
        return client;
    }

    /** Applies the checked-in CRD (again, if it is there) and waits until the API serves it. */
    void installCrd() {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile())
                .item();
        client.resource(crd).forceConflicts().serverSideApply();
        // The status, and its conditions, appear some moments after the CRD itself.
        client.resource(crd).waitUntilCondition(c -> c != null && c.getStatus() != null
                && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                .anyMatch(s -> "Established".equals(s.getType()) && "True".equals(s.getStatus())),
                30, TimeUnit.SECONDS);
    }

    String createNamespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
        return name;
    }

    @Override
    public void close() {
        client.close();
        server.stop();
    }
}
