package io.refinevad.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The smallest AnomalyDetector a user can write: a name and a model. It is built from the YAML a user would apply,
 * into the caller's resource class, so that this module needs no dependency on the operator (whose own unit tests
 * use it too).
 */
public final class DetectorFixture {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private DetectorFixture() {
    }

    /** A detector of the embedded default model. */
    public static <T extends HasMetadata> T minimal(Class<T> type, String namespace, String name) {
        return withModel(type, namespace, name, "builtin:default");
    }

    public static <T extends HasMetadata> T withModel(Class<T> type, String namespace, String name, String modelUri) {
        String yaml = """
                apiVersion: refinevad.io/v1alpha1
                kind: AnomalyDetector
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  model:
                    uri: "%s"
                """.formatted(name, namespace, modelUri);
        return YAML.unmarshal(yaml, type);
    }
}
