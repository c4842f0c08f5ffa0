package io.refinevad.e2e.nodeagent;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Command-line options of the node agent; every option is named, so the local-cluster script reads clearly. */
public record NodeAgentOptions(
        Path kubeconfig,
        String nodeName,
        Path workDir,
        Path images,
        String apiServer,
        Path caFile,
        String cpu,
        String memory,
        int gpus,
        PodAddressPool.Cidr podCidr) {

    private static final Set<String> NAMES = Set.of("kubeconfig", "node-name", "work-dir", "images", "api-server",
            "ca-file", "cpu", "memory", "gpus", "pod-cidr");

    public static NodeAgentOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !NAMES.contains(arg.substring(2)) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + arg + "'; options: --"
                        + String.join(" <value>, --", NAMES.stream().sorted().toList()) + " <value>");
            }
            values.put(arg.substring(2), args[++i]);
        }
        return new NodeAgentOptions(
                Path.of(required(values, "kubeconfig")),
                values.getOrDefault("node-name", "refinevad-node"),
                Path.of(required(values, "work-dir")),
                Path.of(required(values, "images")),
                required(values, "api-server"),
                Path.of(required(values, "ca-file")),
                values.getOrDefault("cpu", "8"),
                values.getOrDefault("memory", "16Gi"),
                Integer.parseInt(values.getOrDefault("gpus", "0")),
                PodAddressPool.Cidr.parse(values.getOrDefault("pod-cidr", "10.244.0.0/24")));
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option --" + name);
        }
        return value;
    }
}
