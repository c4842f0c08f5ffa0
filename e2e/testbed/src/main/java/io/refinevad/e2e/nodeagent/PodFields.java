package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The downward API: the pod fields an env var or a downwardAPI file may name in a fieldRef. */
final class PodFields {

    private static final Pattern KEYED = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private PodFields() {
    }

    /** The field's value; the pod address is passed in because the API object may not hold it yet. */
    static String value(Pod pod, String fieldPath, String podIp) {
        var metadata = pod.getMetadata();
        Matcher keyed = KEYED.matcher(fieldPath);
        if (keyed.matches()) {
            Map<String, String> map = keyed.group(1).equals("labels") ? metadata.getLabels() : metadata.getAnnotations();
            return map == null ? "" : Objects.requireNonNullElse(map.get(keyed.group(2)), "");
        }
        return switch (fieldPath) {
            case "metadata.name" -> metadata.getName();
            case "metadata.namespace" -> metadata.getNamespace();
            case "metadata.uid" -> metadata.getUid();
            case "metadata.labels" -> asLines(metadata.getLabels());
            case "metadata.annotations" -> asLines(metadata.getAnnotations());
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.podIP", "status.podIPs" -> Objects.requireNonNullElse(podIp, "");
            case "status.hostIP", "status.hostIPs" -> NodeRegistration.HOST_IP;
            default -> throw new IllegalArgumentException("unsupported fieldRef " + fieldPath);
        };
    }

    private static String asLines(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        return new TreeMap<>(map).entrySet().stream()
                .map(entry -> entry.getKey() + "=\"" + entry.getValue() + "\"")
                .collect(Collectors.joining("\n"));
    }
}
