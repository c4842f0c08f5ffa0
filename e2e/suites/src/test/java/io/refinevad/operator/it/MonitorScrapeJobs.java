package io.refinevad.operator.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus scrape jobs for a ServiceMonitor or a PodMonitor, as the Prometheus Operator generates them (its
 * essentials): Kubernetes service discovery in the monitor's namespaces, keeping the targets that its label selector
 * and endpoint port pick, with the operator's target labels (namespace, pod, container, service, job) and then the
 * monitor's own relabelings. Built from the monitors the API server accepted, so the test scrapes exactly what they
 * select. Discovery reads the test cluster's API with its admin kubeconfig, as a Prometheus in the cluster would
 * with its ServiceAccount.
 */
final class MonitorScrapeJobs {

    private MonitorScrapeJobs() {
    }

    /** role pod: the pods the selector picks, at their container port named by the endpoint. */
    static Map<String, Object> podMonitor(GenericKubernetesResource monitor, Path kubeconfig) {
        Map<String, Object> endpoint = firstEndpoint(monitor, "podMetricsEndpoints");
        List<Map<String, Object>> relabel = keep(monitor, "pod");
        relabel.add(keepPort("__meta_kubernetes_pod_container_port_name", endpoint));
        relabel.add(copy("__meta_kubernetes_namespace", "namespace"));
        relabel.add(copy("__meta_kubernetes_pod_container_name", "container"));
        relabel.add(copy("__meta_kubernetes_pod_name", "pod"));
        relabel.add(Map.of("target_label", "job", "replacement",
                monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName()));
        return job("podMonitor", monitor, "pod", endpoint, relabel, kubeconfig);
    }

    /** role endpoints: the endpoints of the Services the selector picks, at the port named by the endpoint. */
    static Map<String, Object> serviceMonitor(GenericKubernetesResource monitor, Path kubeconfig) {
        Map<String, Object> endpoint = firstEndpoint(monitor, "endpoints");
        List<Map<String, Object>> relabel = keep(monitor, "service");
        relabel.add(keepPort("__meta_kubernetes_endpoint_port_name", endpoint));
        relabel.add(copy("__meta_kubernetes_namespace", "namespace"));
        relabel.add(copy("__meta_kubernetes_service_name", "service"));
        relabel.add(copy("__meta_kubernetes_pod_name", "pod"));
        relabel.add(copy("__meta_kubernetes_pod_container_name", "container"));
        relabel.add(copy("__meta_kubernetes_service_name", "job"));
        return job("serviceMonitor", monitor, "endpoints", endpoint, relabel, kubeconfig);
    }

    private static Map<String, Object> job(String kind, GenericKubernetesResource monitor, String role,
            Map<String, Object> endpoint, List<Map<String, Object>> relabel, Path kubeconfig) {
        relabel.addAll(monitorRelabelings(endpoint));
        Map<String, Object> discovery = new LinkedHashMap<>();
        discovery.put("role", role);
        discovery.put("kubeconfig_file", kubeconfig.toString());
        Map<String, Object> namespaceSelector = map(spec(monitor).get("namespaceSelector"));
        if (!Boolean.TRUE.equals(namespaceSelector.get("any"))) {
            List<?> names = namespaceSelector.get("matchNames") == null ? List.of(monitor.getMetadata()
                    .getNamespace()) : (List<?>) namespaceSelector.get("matchNames");
            discovery.put("namespaces", Map.of("names", names));
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", kind + "/" + monitor.getMetadata().getNamespace() + "/" + monitor.getMetadata().getName()
                + "/0");
        job.put("metrics_path", endpoint.getOrDefault("path", "/metrics"));
        if (endpoint.get("interval") != null) {
            job.put("scrape_interval", endpoint.get("interval"));
            job.put("scrape_timeout", endpoint.get("interval"));
        }
        job.put("kubernetes_sd_configs", List.of(discovery));
        job.put("relabel_configs", relabel);
        return job;
    }

    /** One keep rule per label of the selector's matchLabels (the chart's monitors use no matchExpressions). */
    private static List<Map<String, Object>> keep(GenericKubernetesResource monitor, String object) {
        Map<String, Object> selector = map(spec(monitor).get("selector"));
        if (selector.get("matchExpressions") != null) {
            throw new IllegalArgumentException("matchExpressions are not translated: " + selector);
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        map(selector.get("matchLabels")).forEach((label, value) -> rules.add(Map.of(
                "source_labels", List.of("__meta_kubernetes_" + object + "_label_" + sanitized(label)),
                "regex", value, "action", "keep")));
        return rules;
    }

    private static Map<String, Object> keepPort(String portLabel, Map<String, Object> endpoint) {
        return Map.of("source_labels", List.of(portLabel), "regex", endpoint.get("port"), "action", "keep");
    }

    private static Map<String, Object> copy(String from, String to) {
        return Map.of("source_labels", List.of(from), "target_label", to);
    }

    /** The monitor's relabelings, from the CRD's names (sourceLabels) to Prometheus's (source_labels). */
    private static List<Map<String, Object>> monitorRelabelings(Map<String, Object> endpoint) {
        List<Map<String, Object>> rules = new ArrayList<>();
        Object relabelings = endpoint.get("relabelings");
        if (relabelings != null) {
            for (Object relabeling : (List<?>) relabelings) {
                Map<String, Object> rule = new LinkedHashMap<>();
                map(relabeling).forEach((key, value) -> rule.put(snakeCase(key), value));
                rules.add(rule);
            }
        }
        return rules;
    }

    private static Map<String, Object> firstEndpoint(GenericKubernetesResource monitor, String field) {
        List<?> endpoints = (List<?>) spec(monitor).get(field);
        if (endpoints == null || endpoints.size() != 1) {
            throw new IllegalArgumentException(field + " of " + monitor.getMetadata().getName()
                    + ": one endpoint expected, got " + endpoints);
        }
        return map(endpoints.get(0));
    }

    private static Map<String, Object> spec(GenericKubernetesResource monitor) {
        return map(monitor.getAdditionalProperties().get("spec"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** A Kubernetes label as Prometheus names it in discovery labels: every other character becomes _. */
    private static String sanitized(String label) {
        return label.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String snakeCase(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase();
    }
}
