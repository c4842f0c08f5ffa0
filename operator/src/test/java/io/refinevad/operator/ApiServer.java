package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.refinevad.operator.crd.AnomalyDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bare API server for the tests between the pure unit tests and the local cluster: etcd and kube-apiserver from
 * fabric8 kube-api-test, offline, with the binaries e2e/tools/build-tools.sh laid out. No nodes and no controllers:
 * objects are stored, validated and admitted, but nothing runs pods or collects garbage. A test class registers one
 * ({@code @RegisterExtension static final ApiServer API = ApiServer.withCrd();}): it starts before the class's
 * {@code @BeforeAll} methods and stops after its {@code @AfterAll} ones, so those may start and stop an operator.
 * A class whose tests need the operator running registers a {@link RunningOperator} instead, which has its own.
 */
final class ApiServer implements BeforeAllCallback, AfterAllCallback {

    /** The Kubernetes version e2e/tools/build-tools.sh builds. */
    static final String VERSION = "1.34.4";
    private static final Path CRD = Path.of("../crds/anomalydetectors.refinevad.io-v1.yml");
    private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(60);

    private final boolean crdAtStart;
    private KubeAPIServer server;
    private KubernetesClient client;

    private ApiServer(boolean crdAtStart) {
        this.crdAtStart = crdAtStart;
    }

    /** An API server with the checked-in CRD installed before the class's tests. */
    static ApiServer withCrd() {
        return new ApiServer(true);
    }

    /** An API server without the CRD, for tests that install it themselves (or need none). */
    static ApiServer withoutCrd() {
        return new ApiServer(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion(VERSION)
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
        if (crdAtStart) {
            installCrd();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
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

    /**
     * Deletes the namespace's detectors and waits until they are gone. Their finalizer is the operator's: call it
     * while the operator still runs, or they stay.
     */
    void deleteDetectors(String namespace) {
        client.resources(AnomalyDetector.class).inNamespace(namespace).delete();
        await().atMost(DELETION_TIMEOUT).untilAsserted(() ->
                assertThat(client.resources(AnomalyDetector.class).inNamespace(namespace).list().getItems())
                        .isEmpty());
    }
}
