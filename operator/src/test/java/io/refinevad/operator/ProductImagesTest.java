package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The images have one source: the parent pom's image.registry and the project's version, from which the build
 * generates ProductImages. What cannot be generated from it, the chart, the examples, scripts, tests and docs, must
 * name the same images, and the image modules must build exactly these.
 */
class ProductImagesTest {

    private static final Path REPOSITORY = Path.of("..");
    private static final Set<String> NAMES = Set.of("inference-server", "model-fetcher", "operator", "gateway");
    /** Where `make images` names each image: the module whose -Pimages build makes it. */
    private static final List<Path> IMAGE_MODULES = List.of(Path.of("../inference-server/pom.xml"),
            Path.of("pom.xml"), Path.of("../images/model-fetcher/pom.xml"), Path.of("../gateway/pom.xml"));
    /** A reference to one of the product's images, in any registry (a host with a dot, then at least one path
     *  segment, as ghcr.io/refinevad: so that refinevad.io/operator, a label key, is none), with its tag if any. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?::[0-9]+)?(?:/[a-z0-9._-]+)+/(" + String.join("|", NAMES)
                    + ")(?![A-Za-z0-9_-])(?::([A-Za-z0-9._-]+))?");
    private static final Pattern EXAMPLE_REGISTRY = Pattern.compile(
            "((?:[a-z0-9-]+\\.)*example\\.com(?::[0-9]+)?(?:/[a-z0-9._-]+)*)/(?:" + String.join("|", NAMES) + ")\\b");
    /** What the model fetcher replaced; nothing may name it again. */
    private static final String PUBLIC_FETCHER = "curlimages/curl";
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "build", "model", "node_modules");
    private static final Pattern SCANNED_FILES = Pattern.compile(
            ".*\\.(yaml|yml|json|md|java|sh|conf|properties|tpl|txt)|Makefile");

    @Test
    void productImagesComeFromTheBuild() {
        assertThat(ProductImages.BUILD_REGISTRY).as("image.registry, filled in by the build").doesNotContain("${");
        assertThat(ProductImages.TAG).as("image.tag: the project's version less -SNAPSHOT").matches("[0-9][0-9A-Za-z.-]*")
                .doesNotEndWith("-SNAPSHOT");
        assertThat(images(ProductImages.AS_BUILT)).extracting(ProductImagesTest::nameOf)
                .containsExactlyInAnyOrderElementsOf(NAMES);
    }

    @Test
    void anotherRegistryMovesEveryImageAndKeepsTheTag() {
        ProductImages pushed = new ProductImages("registry.example.com:5000/team/vision");

        assertThat(images(pushed)).containsExactlyInAnyOrder(
                "registry.example.com:5000/team/vision/inference-server:" + ProductImages.TAG,
                "registry.example.com:5000/team/vision/model-fetcher:" + ProductImages.TAG,
                "registry.example.com:5000/team/vision/operator:" + ProductImages.TAG,
                "registry.example.com:5000/team/vision/gateway:" + ProductImages.TAG);
    }

    @Test
    void aRegistryThatCannotPrefixAnImageIsRefusedNamingTheSettingAndTheValue() {
        for (String wrong : List.of("", "https://registry.example.com/team", "registry.example.com/team/",
                "registry.example.com/Team", "registry.example.com/team/inference-server:0.1.0", "registry example")) {
            assertThatThrownBy(() -> new ProductImages(wrong)).as("'%s'", wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refinevad.operator.images.registry")
                    .hasMessageContaining("such as registry.example.com/team")
                    .hasMessageEndingWith("got '" + wrong + "'");
        }
        assertThatThrownBy(() -> new ProductImages(null)).hasMessageEndingWith("got 'null'");
    }

    @Test
    void theChartRefusesWhatTheOperatorRefuses() throws IOException {
        Map<?, ?> schema = new KubernetesSerialization().unmarshal(
                Files.readString(REPOSITORY.resolve("helm/refinevad-operator/values.schema.json")), Map.class);
        Map<?, ?> image = (Map<?, ?>) ((Map<?, ?>) schema.get("properties")).get("image");
        Map<?, ?> registry = (Map<?, ?>) ((Map<?, ?>) image.get("properties")).get("registry");

        assertThat(registry.get("pattern")).as("values.schema.json image.registry")
                .isEqualTo("^" + ProductImages.REGISTRY_SYNTAX + "$");
        Map<?, ?> digest = (Map<?, ?>) ((Map<?, ?>) schema.get("definitions")).get("digest");
        assertThat(digest.get("pattern")).as("values.schema.json image.digests (empty: not pinned)")
                .isEqualTo("^(" + ProductImages.DIGEST_SYNTAX + ")?$");
    }

    @Test
    void pinnedImagesAreNamedByTagAndDigestAndTheOthersByTag() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        ProductImages pinned = new ProductImages("registry.example.com/team")
                .pinnedTo(List.of("inference-server=" + digest, " gateway = " + digest));

        assertThat(pinned.inferenceServer())
                .isEqualTo("registry.example.com/team/inference-server:" + ProductImages.TAG + "@" + digest);
        assertThat(pinned.gateway()).isEqualTo("registry.example.com/team/gateway:" + ProductImages.TAG + "@" + digest);
        assertThat(pinned.modelFetcher()).isEqualTo("registry.example.com/team/model-fetcher:" + ProductImages.TAG);
        assertThat(ProductImages.AS_BUILT.pinnedTo(List.of())).isEqualTo(ProductImages.AS_BUILT);
    }

    @Test
    void aDigestOfAnotherImageOrOfAnotherShapeIsRefusedNamingTheSetting() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        for (String wrong : List.of("operator=" + digest, "inference-server=latest", "gateway",
                "gateway=sha256:ABC", "model-fetcher=sha512:" + "0".repeat(128))) {
            assertThatThrownBy(() -> ProductImages.AS_BUILT.pinnedTo(List.of(wrong))).as("'%s'", wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("refinevad.operator.images.digests must list name=digest")
                    .hasMessageContaining("[gateway, inference-server, model-fetcher]");
        }
    }

    @Test
    void theImageModulesBuildExactlyTheProductsImages() throws IOException {
        Set<String> built = new TreeSet<>();
        for (Path pom : IMAGE_MODULES) {
            Matcher name = Pattern.compile("<image\\.name>([^<]+)</image\\.name>").matcher(Files.readString(pom));
            assertThat(name.find()).as("%s names the image it builds (image.name)", pom).isTrue();
            built.add(name.group(1));
        }
        assertThat(built).isEqualTo(new TreeSet<>(NAMES));
    }

    @Test
    void theChartDeploysTheOperatorImageOfThisBuild() throws IOException {
        KubernetesSerialization yaml = new KubernetesSerialization();
        Map<?, ?> values = yaml.unmarshal(Files.readString(REPOSITORY.resolve("helm/refinevad-operator/values.yaml")),
                Map.class);
        Map<?, ?> chart = yaml.unmarshal(Files.readString(REPOSITORY.resolve("helm/refinevad-operator/Chart.yaml")),
                Map.class);
        Map<?, ?> image = (Map<?, ?>) values.get("image");
        // The deployment template's image is registry/operator:(tag, or the chart's appVersion when the tag is empty).
        assertThat(image.get("tag")).as("values.yaml image.tag (empty: the chart's appVersion)").isEqualTo("");
        assertThat(image.get("registry") + "/operator:" + chart.get("appVersion"))
                .isEqualTo(ProductImages.AS_BUILT.operator());
    }

    @Test
    void everyImageNamedInTheRepositoryIsOneThisBuildMakes() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path file : scannedFiles()) {
            String text = Files.readString(file);
            Matcher reference = REFERENCE.matcher(text);
            while (reference.find()) {
                String expected = registryOf(reference.group()) + "/" + reference.group(1);
                boolean right = reference.group(2) == null
                        ? reference.group().equals(expected)
                        : reference.group().equals(expected + ":" + ProductImages.TAG);
                if (!right) {
                    wrong.add(REPOSITORY.relativize(file) + ": " + reference.group());
                }
            }
            if (text.contains(PUBLIC_FETCHER)) {
                wrong.add(REPOSITORY.relativize(file) + ": " + PUBLIC_FETCHER);
            }
        }
        assertThat(wrong).as("image references that are not %s/{%s}[:%s]", ProductImages.BUILD_REGISTRY,
                String.join(",", NAMES), ProductImages.TAG).isEmpty();
    }

    @Test
    void theScanFindsTheReferencesItChecks() throws IOException {
        // Guards the scan itself: the bench's detector and the test bed's images name the server image.
        List<Path> files = scannedFiles();
        assertThat(files).contains(REPOSITORY.resolve("bench/operator.sh"),
                REPOSITORY.resolve("e2e/testbed/src/test/java/io/refinevad/e2e/BedImages.java"));
        assertThat(REFERENCE.matcher(Files.readString(REPOSITORY.resolve("bench/operator.sh"))).find()).isTrue();
        assertThat(files).noneMatch(file -> file.toString().contains("/target/"));
    }

    private static List<Path> scannedFiles() throws IOException {
        try (Stream<Path> paths = Files.walk(REPOSITORY)) {
            return paths.filter(path -> REPOSITORY.relativize(path).getNameCount() > 0
                            && !isSkipped(REPOSITORY.relativize(path)))
                    .filter(Files::isRegularFile)
                    .filter(path -> SCANNED_FILES.matcher(path.getFileName().toString()).matches())
                    // This test names what nobody else may.
                    .filter(path -> !path.getFileName().toString().equals("ProductImagesTest.java"))
                    .toList();
        }
    }

    private static boolean isSkipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_FOLDERS.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The build's registry, or a registry under example.com (RFC 2606's domain for examples): the registry a user
     * pushed the images to, as the docs and tests show it.
     */
    private static String registryOf(String reference) {
        Matcher example = EXAMPLE_REGISTRY.matcher(reference);
        return example.lookingAt() ? example.group(1) : ProductImages.BUILD_REGISTRY;
    }

    private static List<String> images(ProductImages images) {
        return List.of(images.inferenceServer(), images.modelFetcher(), images.operator(), images.gateway());
    }

    private static String nameOf(String image) {
        String withoutRegistry = image.substring(ProductImages.BUILD_REGISTRY.length() + 1);
        return withoutRegistry.substring(0, withoutRegistry.indexOf(':'));
    }
}
