package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

/**
 * fabric8 kube-api-test finds the binaries that e2e/tools/build-tools.sh built, offline, so tests that only need an
 * API server can use that library directly; and the API server reports the version it was built as.
 */
class KubeApiTestLayoutIT {

    @Test
    void kubeApiTestStartsOurApiServerOffline() {
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion("1.34.4")
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build()) {
            assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.34.4");
            assertThat(client.namespaces().withName("default").get()).isNotNull();
        } finally {
            server.stop();
        }
    }
}
