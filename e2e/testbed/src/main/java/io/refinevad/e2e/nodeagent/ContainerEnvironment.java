package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment, built as a kubelet builds it: envFrom, then env in order with $(VAR) references to
 * earlier variables, fieldRef, configMapKeyRef and secretKeyRef. The process starts from a clean environment, not
 * the agent's, apart from PATH, JAVA_HOME and LANG, which stand in for what an image would define.
 *
 * <p>In-cluster clients find the API server through KUBERNETES_SERVICE_HOST/PORT, set to the real API server
 * address since no kube-proxy serves the kubernetes Service here. They cannot read the ServiceAccount token at
 * /var/run/secrets/kubernetes.io/serviceaccount (processes share one file system), so the fabric8 client's own
 * variables point at the token and CA files of the pod's service-account volume.
 */
final class ContainerEnvironment {

    static final String SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    private final KubernetesClient client;
    private final URI apiServer;

    ContainerEnvironment(KubernetesClient client, URI apiServer) {
        this.client = client;
        this.apiServer = apiServer;
    }

    Map<String, String> build(Pod pod, Container container, String podIp, MountTable mounts, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String inherited : List.of("PATH", "JAVA_HOME", "LANG")) {
            String value = System.getenv(inherited);
            if (value != null) {
                env.put(inherited, value);
            }
        }
        env.put("HOME", home.toString());
        env.put("HOSTNAME", pod.getMetadata().getName());
        env.put("KUBERNETES_SERVICE_HOST", apiServer.getHost());
        env.put("KUBERNETES_SERVICE_PORT", String.valueOf(apiServer.getPort()));
        Path serviceAccount = mounts.hostPath(SERVICE_ACCOUNT_MOUNT);
        if (serviceAccount != null) {
            env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", serviceAccount.resolve("token").toString());
            env.put("KUBERNETES_CERTS_CA_FILE", serviceAccount.resolve("ca.crt").toString());
            env.put("KUBERNETES_NAMESPACE", pod.getMetadata().getNamespace());
        }
        String namespace = pod.getMetadata().getNamespace();
        for (EnvFromSource source : container.getEnvFrom()) {
            String prefix = Objects.requireNonNullElse(source.getPrefix(), "");
            if (source.getConfigMapRef() != null) {
                ConfigMap configMap = client.configMaps().inNamespace(namespace)
                        .withName(source.getConfigMapRef().getName()).get();
                requirePresent(configMap, "configmap", source.getConfigMapRef().getName(),
                        source.getConfigMapRef().getOptional());
                if (configMap != null && configMap.getData() != null) {
                    configMap.getData().forEach((key, value) -> env.put(prefix + key, mounts.rewrite(value)));
                }
            }
            if (source.getSecretRef() != null) {
                Secret secret = client.secrets().inNamespace(namespace).withName(source.getSecretRef().getName()).get();
                requirePresent(secret, "secret", source.getSecretRef().getName(), source.getSecretRef().getOptional());
                if (secret != null && secret.getData() != null) {
                    secret.getData().forEach((key, value) -> env.put(prefix + key, mounts.rewrite(decode(value))));
                }
            }
        }
        for (EnvVar variable : container.getEnv()) {
            String value = variable.getValueFrom() != null
                    ? valueFrom(pod, variable.getValueFrom(), podIp)
                    : expand(Objects.requireNonNullElse(variable.getValue(), ""), env);
            // Only the pod's own values name mount paths; PATH and JAVA_HOME are this host's and stay as they are.
            env.put(variable.getName(), mounts.rewrite(value));
        }
        return env;
    }

    /** Expands $(VAR) references to variables defined so far; $$ is a literal $, unknown references stay as is. */
    static String expand(String text, Map<String, String> env) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group(1) == null ? "$"
                    : Objects.requireNonNullElse(env.get(matcher.group(1)), matcher.group());
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private String valueFrom(Pod pod, EnvVarSource source, String podIp) {
        String namespace = pod.getMetadata().getNamespace();
        if (source.getFieldRef() != null) {
            return PodFields.value(pod, source.getFieldRef().getFieldPath(), podIp);
        }
        if (source.getConfigMapKeyRef() != null) {
            var ref = source.getConfigMapKeyRef();
            ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
            requirePresent(configMap, "configmap", ref.getName(), ref.getOptional());
            String value = configMap == null || configMap.getData() == null ? null : configMap.getData().get(ref.getKey());
            return requireKey(value, "configmap", ref.getName(), ref.getKey(), ref.getOptional());
        }
        if (source.getSecretKeyRef() != null) {
            var ref = source.getSecretKeyRef();
            Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
            requirePresent(secret, "secret", ref.getName(), ref.getOptional());
            String value = secret == null || secret.getData() == null || secret.getData().get(ref.getKey()) == null
                    ? null : decode(secret.getData().get(ref.getKey()));
            return requireKey(value, "secret", ref.getName(), ref.getKey(), ref.getOptional());
        }
        throw new IllegalArgumentException("the node agent supports fieldRef, configMapKeyRef and secretKeyRef"
                + " environment sources only");
    }

    private static void requirePresent(Object object, String kind, String name, Boolean optional) {
        if (object == null && !Boolean.TRUE.equals(optional)) {
            throw new IllegalStateException(kind + " \"" + name + "\" not found");
        }
    }

    private static String requireKey(String value, String kind, String name, String key, Boolean optional) {
        if (value == null && !Boolean.TRUE.equals(optional)) {
            throw new IllegalStateException("couldn't find key " + key + " in " + kind + " " + name);
        }
        return Objects.requireNonNullElse(value, "");
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
