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
        Result result = call(cluster, command);
        assertThat(result.exit()).as("%s\n%s\n%s", String.join(" ", command), result.output(), result.errors())
                .isZero();
        return result.output();
    }

    /** Runs the tool and returns its exit code, standard output and standard error, whatever the exit code. */
    static Result call(LocalCluster cluster, String... command) throws IOException, InterruptedException {
        return call(cluster, null, command);
    }

    /** The same, with the tool's standard input read from {@code input} (null: none). */
    static Result call(LocalCluster cluster, Path input, String... command) throws IOException, InterruptedException {
        List<String> words = new ArrayList<>(List.of(command));
        words.set(0, cluster.toolsDir().resolve(command[0]).toString());
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        Path errors = Files.createTempFile(target, "tool-", ".err");
        ProcessBuilder builder = new ProcessBuilder(words).redirectError(errors.toFile());
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        builder.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        builder.environment().put("HELM_CACHE_HOME", target.resolve("helm/cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", target.resolve("helm/config").toString());
        builder.environment().put("HELM_DATA_HOME", target.resolve("helm/data").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new Result(exit, output, Files.readString(errors));
    }

    record Result(int exit, String output, String errors) {
    }
}
