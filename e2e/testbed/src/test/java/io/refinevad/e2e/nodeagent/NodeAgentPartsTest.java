package io.refinevad.e2e.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node agent's pure parts: path rewriting, $(VAR) expansion, the image catalog and pod address ranges. */
class NodeAgentPartsTest {

    @Test
    void mountPathsAreRewrittenWhereverAWordNamesThem() {
        MountTable mounts = new MountTable();
        mounts.add("/models", Path.of("/host/pod/volumes/models"));
        mounts.add("/models/cache/", Path.of("/host/pod/volumes/cache"));

        assertThat(mounts.rewrite("/models/a.onnx")).isEqualTo("/host/pod/volumes/models/a.onnx");
        assertThat(mounts.rewrite("/models/cache/x")).as("longest mount wins").isEqualTo("/host/pod/volumes/cache/x");
        assertThat(mounts.rewrite("-Drefinevad.model.dir=/models")).isEqualTo("-Drefinevad.model.dir=/host/pod/volumes/models");
        assertThat(mounts.rewrite("cat /models/m > '/models/out'"))
                .isEqualTo("cat /host/pod/volumes/models/m > '/host/pod/volumes/models/out'");
        assertThat(mounts.rewrite("/modelsX/a")).as("a longer name is another path").isEqualTo("/modelsX/a");
        assertThat(mounts.rewrite("/usr/bin/java")).isEqualTo("/usr/bin/java");
        assertThat(mounts.rewrite(List.of("sh", "-c", "ls /models"))).containsExactly("sh", "-c", "ls /host/pod/volumes/models");
    }

    @Test
    void variableReferencesExpandLikeTheKubelet() {
        Map<String, String> env = Map.of("POD_IP", "10.244.0.5", "PORT", "9000");
        assertThat(ContainerEnvironment.expand("--bind=$(POD_IP):$(PORT)", env)).isEqualTo("--bind=10.244.0.5:9000");
        assertThat(ContainerEnvironment.expand("$$(POD_IP)", env)).as("$$ escapes").isEqualTo("$(POD_IP)");
        assertThat(ContainerEnvironment.expand("$(UNKNOWN) $HOME", env)).isEqualTo("$(UNKNOWN) $HOME");
    }

    @Test
    void theCatalogMapsImagesWithoutTagsToEntrypoints(@TempDir Path repo) throws IOException {
        Path catalogFile = repo.resolve("e2e/images.conf");
        Files.createDirectories(catalogFile.getParent());
        Files.writeString(catalogFile, """
                # comment
                refinevad.io/host   -
                ghcr.io/refinevad/inference-server  java -Dhost=${POD_IP} -jar ${REPO}/server.jar
                """);
        ImageCatalog catalog = ImageCatalog.load(catalogFile);

        assertThat(catalog.entrypoint("ghcr.io/refinevad/inference-server:0.1.0", "10.244.0.9")).hasValue(
                List.of("java", "-Dhost=10.244.0.9", "-jar", repo.toAbsolutePath() + "/server.jar"));
        assertThat(catalog.entrypoint("refinevad.io/host@sha256:abc", "x")).hasValue(List.of());
        assertThat(catalog.entrypoint("nginx:1.27", "x")).isEmpty();
        assertThat(catalog.describeMissing("nginx:1.27")).contains("nginx:1.27", "refinevad.io/host");
        assertThat(ImageCatalog.nameWithoutTag("localhost:5000/team/app:v1")).isEqualTo("localhost:5000/team/app");
    }

    @Test
    void podAddressRangesAreCheckedAndEnumerated() {
        PodAddressPool.Cidr cidr = PodAddressPool.Cidr.parse("10.244.1.77/24");
        assertThat(cidr.toString()).isEqualTo("10.244.1.0/24");
        assertThat(cidr.size()).isEqualTo(256);
        assertThat(cidr.address(2)).isEqualTo("10.244.1.2");
        assertThat(cidr.contains("10.244.1.200")).isTrue();
        assertThat(cidr.contains("10.244.2.1")).isFalse();
        assertThat(cidr.offsetOf("10.244.1.9")).isEqualTo(9);
        assertThatThrownBy(() -> PodAddressPool.Cidr.parse("10.0.0.0/8")).hasMessageContaining("16..28");
    }
}
