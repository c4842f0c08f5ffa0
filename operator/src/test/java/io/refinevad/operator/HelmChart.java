package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's Helm chart rendered by the real helm that e2e/tools/build-tools.sh builds, as release refinevad in
 * namespace refinevad-system, for the Kubernetes version of {@link ApiServer}.
 */
final class HelmChart {

    static final String NAMESPACE = "refinevad-system";
    /** Where e2e/tools/build-tools.sh lays out the tools it builds (helm among them). */
    private static final Path TOOLS = Path.of(Optional.ofNullable(System.getenv("REFINEVAD_CACHE"))
            .orElse(System.getProperty("user.home") + "/.cache/refinevad"), "tools/bin");

    private HelmChart() {
    }

    /** The chart's objects with these helm arguments (--set ...); fails the test if helm does. */
    static List<HasMetadata> template(KubernetesClient client, String... values)
            throws IOException, InterruptedException {
        Process helm = run(values);
        byte[] manifests = helm.getInputStream().readAllBytes();
        String errors = new String(helm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(helm.waitFor()).as("helm template: %s", errors).isZero();
        return client.load(new ByteArrayInputStream(manifests)).items();
    }

    /** helm template running, for a test that expects it to fail. */
    static Process run(String... values) throws IOException {
        Path home = Files.createTempDirectory("helm-home");
        List<String> command = new ArrayList<>(List.of(TOOLS.resolve("helm").toString(), "template",
                "refinevad", "../helm/refinevad-operator", "--namespace", NAMESPACE,
                "--kube-version", ApiServer.VERSION));
        command.addAll(List.of(values));
        ProcessBuilder builder = new ProcessBuilder(command);
        for (String variable : List.of("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")) {
            builder.environment().put(variable, home.toString());
        }
        return builder.start();
    }
}
