package io.refinevad.operator;

/**
 * The product's images as `make images` builds them: the registry and tag come from the parent pom (image.registry,
 * and image.tag, the project's version less -SNAPSHOT), filled in by the build (this file is a template), so the
 * operator names exactly the images its own build produces. ProductImagesTest holds the chart, the examples and the
 * scripts that cannot be generated to the same names.
 */
public final class ProductImages {

    public static final String REGISTRY = "${image.registry}";
    public static final String TAG = "${image.tag}";
    /** The scoring pods' default image (spec.runtime.image). */
    public static final String INFERENCE_SERVER = REGISTRY + "/inference-server:" + TAG;
    /** The model fetch init container's image: what ModelFetchScript runs (sh, curl, sha256sum, tar, gzip). */
    public static final String MODEL_FETCHER = REGISTRY + "/model-fetcher:" + TAG;
    /** The operator's own image, which the Helm chart deploys. */
    public static final String OPERATOR = REGISTRY + "/operator:" + TAG;

    private ProductImages() {
    }
}
