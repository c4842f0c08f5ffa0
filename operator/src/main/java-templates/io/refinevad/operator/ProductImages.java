package io.refinevad.operator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The product's images as `make images` builds them, in one registry: the one the build names (the parent pom's
 * image.registry, filled in here by the build: this file is a template), or the one a platform team copied them to
 * with `make push REGISTRY=...` (the operator's refinevad.operator.images.registry, the chart's image.registry).
 * The tag is always this build's (image.tag, the project's version less -SNAPSHOT): an operator runs the server, the
 * model fetcher and the gateway of its own version. ProductImagesTest holds the chart, the examples and the scripts, which
 * cannot be generated, to the same names.
 *
 * <p>An image may also be pinned by digest (refinevad.operator.images.digests, the chart's image.digests, which `make
 * images` writes to build/images/digests.yaml for the images it built): then it is named registry/name:TAG@DIGEST, and
 * the node runs exactly that image whatever the tag points to later.
 *
 * @param registry where the images are: a registry host (with its port, if any) and the path under it, such as
 *     registry.example.com/team; the images are registry/inference-server:TAG and so on
 * @param digests the digests images are pinned to, by image name (inference-server, model-fetcher, gateway)
 */
public record ProductImages(String registry, Map<String, String> digests) {

    /** The registry the build names the images in. */
    public static final String BUILD_REGISTRY = "${image.registry}";
    public static final String TAG = "${image.tag}";

    /**
     * A registry host (DNS labels or an IP, an optional port) and optional lower-case path components, as an image
     * reference spells them before the image's own name: no scheme, no trailing slash, no image name or tag. The
     * chart's values.schema.json checks image.registry with the same expression (ProductImagesTest).
     */
    public static final String REGISTRY_SYNTAX =
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]+)?"
                    + "(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";
    private static final Pattern REGISTRY = Pattern.compile(REGISTRY_SYNTAX);
    /** An OCI digest as registries and `make images` give it. The chart's values.schema.json checks the same. */
    public static final String DIGEST_SYNTAX = "sha256:[0-9a-f]{64}";
    private static final Pattern DIGEST = Pattern.compile(DIGEST_SYNTAX);
    private static final Set<String> PINNABLE = Set.of("inference-server", "model-fetcher", "gateway");
    /** The images where the build names them (an operator that is told no other registry). Declared after the
     *  pattern its constructor checks against. */
    public static final ProductImages AS_BUILT = new ProductImages(BUILD_REGISTRY);

    public ProductImages {
        if (registry == null || !REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("refinevad.operator.images.registry must be a registry and the path"
                    + " the images were pushed under, such as registry.example.com/team or localhost:5000 (no"
                    + " scheme, no trailing slash, no image name or tag; the operator adds /inference-server:" + TAG
                    + " and so on); got '" + registry + "'");
        }
        digests.forEach((name, digest) -> {
            if (!PINNABLE.contains(name) || !DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("refinevad.operator.images.digests must list name=digest, the name"
                        + " one of " + new TreeSet<>(PINNABLE) + " and the digest sha256: and 64 lower-case hex"
                        + " digits, as `make images` prints them; got '" + name + "=" + digest + "'");
            }
        });
        digests = Map.copyOf(digests);
    }

    /** The images at this build's tag, none pinned. */
    public ProductImages(String registry) {
        this(registry, Map.of());
    }

    /**
     * The images pinned to these digests, from refinevad.operator.images.digests: name=digest entries.
     *
     * @throws IllegalArgumentException when an entry is not name=digest of an image the operator deploys
     */
    public ProductImages pinnedTo(List<String> entries) {
        Map<String, String> pinned = new HashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            pinned.put(equals < 0 ? entry : entry.substring(0, equals).trim(),
                    equals < 0 ? "" : entry.substring(equals + 1).trim());
        }
        return new ProductImages(registry, pinned);
    }

    /** The scoring pods' image, unless a detector names its own (spec.runtime.image). */
    public String inferenceServer() {
        return image("inference-server");
    }

    /** The model fetch init container's image: what ModelFetchScript runs (sh, curl, sha256sum, tar, gzip). */
    public String modelFetcher() {
        return image("model-fetcher");
    }

    /** The stream gateway's image (gateway/, docs/GATEWAY.md), which the operator deploys in front of a detector's
     *  scoring pods (GatewayPodTemplate). */
    public String gateway() {
        return image("gateway");
    }

    /** The operator's own image, which the Helm chart deploys. */
    public String operator() {
        return image("operator");
    }

    private String image(String name) {
        String digest = digests.get(name);
        return registry + "/" + name + ":" + TAG + (digest == null ? "" : "@" + digest);
    }
}
