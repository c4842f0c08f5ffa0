package io.refinevad.operator;

import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The namespaces whose AnomalyDetectors the operator reconciles, and in which it watches their dependents: a list
 * (the Helm chart's namespace-scoped mode, which grants the operator a Role in each and nothing elsewhere), or every
 * namespace (the chart's cluster-wide mode, and an operator run outside the chart with nothing set).
 *
 * @param names the namespaces; empty for every namespace
 */
public record WatchedNamespaces(Set<String> names) {

    /** Every namespace: what JOSDK's informers watch when nothing narrows them. */
    public static final WatchedNamespaces ALL = new WatchedNamespaces(Set.of());
    /** A namespace's name as the API server accepts it (an RFC 1123 label). */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public WatchedNamespaces {
        names = Set.copyOf(names);
    }

    /**
     * refinevad.operator.watch-namespaces: unset for every namespace. A name the API server would refuse is refused
     * here, at startup, rather than as an informer that can never list.
     */
    public static WatchedNamespaces of(Optional<List<String>> configured) {
        List<String> names = configured.orElse(List.of()).stream().map(String::strip).toList();
        for (String name : names) {
            if (!NAMESPACE.matcher(name).matches()) {
                throw new IllegalArgumentException("refinevad.operator.watch-namespaces: '" + name
                        + "' is not a namespace name (lower-case letters, digits and '-', at most 63)");
            }
        }
        return new WatchedNamespaces(Set.copyOf(names));
    }

    /** Narrows the controller, and with it every dependent's informer (JOSDK's default follows the controller). */
    void applyTo(ControllerConfigurationOverrider<?> controller) {
        if (names.isEmpty()) {
            controller.watchingAllNamespaces();
        } else {
            controller.settingNamespaces(names);
        }
    }

    @Override
    public String toString() {
        return names.isEmpty() ? "every namespace" : String.join(", ", new TreeSet<>(names));
    }
}
