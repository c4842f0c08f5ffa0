package io.refinevad.operator.dependent;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the operator's own pods are and how to select them: the detectors' NetworkPolicies admit only them to the
 * scoring pods' admin port. The Helm chart passes both (the namespace through the downward API, the labels from
 * the same template that labels the pods); an operator run outside the cluster has neither.
 *
 * @param namespace the operator pods' namespace
 * @param labels labels every operator pod carries, and no other pod of that namespace
 */
public record OperatorPods(String namespace, Map<String, String> labels) {

    public OperatorPods {
        labels = Map.copyOf(labels);
    }

    /**
     * Both settings, or neither.
     *
     * @param labels {@code key=value} pairs separated by commas, as in a label selector
     */
    public static Optional<OperatorPods> of(Optional<String> namespace, Optional<String> labels) {
        if (namespace.isPresent() != labels.isPresent()) {
            throw new IllegalArgumentException("refinevad.operator.pods.namespace and refinevad.operator.pods.labels"
                    + " go together (the operator's own pods, which alone may reach the scoring pods' admin port):"
                    + " set both or neither");
        }
        return namespace.map(name -> new OperatorPods(name, parse(labels.orElseThrow())));
    }

    private static Map<String, String> parse(String selector) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : selector.split(",")) {
            String[] keyAndValue = pair.strip().split("=", 2);
            if (keyAndValue.length != 2 || keyAndValue[0].isBlank()) {
                throw new IllegalArgumentException("refinevad.operator.pods.labels must be key=value pairs separated"
                        + " by commas, such as app.kubernetes.io/name=refinevad-operator; got '" + selector + "'");
            }
            labels.put(keyAndValue[0].strip(), keyAndValue[1].strip());
        }
        return labels;
    }
}
