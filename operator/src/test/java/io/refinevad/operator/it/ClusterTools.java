package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.refinevad.e2e.cluster.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the built tools (helm, kubectl) against the test cluster, with Helm's state kept under target/. */
final class ClusterTools {

    private ClusterTools() {
    }

    /** Returns the tool's standard output (helm warns about the chart's crds symlink on stderr); fails with both. */
    static String run(LocalCluster cluster, String... command) throws IOException, InterruptedException {
        List<String> words = new ArrayList<>(List.of(command));
        words.set(0, cluster.toolsDir().resolve(command[0]).toString());
        Path target = cluster.repository().resolve("operator/target");
        Path errors = Files.createTempFile(target, "tool-", ".err");
        ProcessBuilder builder = new ProcessBuilder(words).redirectError(errors.toFile());
        builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        builder.environment().put("HELM_CACHE_HOME", target.resolve("helm/cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", target.resolve("helm/config").toString());
        builder.environment().put("HELM_DATA_HOME", target.resolve("helm/data").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertThat(exit).as("%s\n%s\n%s", String.join(" ", command), output, Files.readString(errors)).isZero();
        return output;
    }
}
