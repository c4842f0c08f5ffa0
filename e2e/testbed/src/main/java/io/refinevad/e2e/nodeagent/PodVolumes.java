package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a pod's volumes as folders under the pod's directory: emptyDir, configMap, secret, downwardAPI, hostPath and
 * projected (configMap, secret, downwardAPI and serviceAccountToken sources). Read-only mounts and file modes are
 * not enforced: every process here runs as the agent's user. A volume whose source is missing throws, and the pod
 * waits, as a kubelet would.
 */
final class PodVolumes {

    static final class MissingSourceException extends IOException {
        MissingSourceException(String message) {
            super(message);
        }
    }

    private final KubernetesClient client;

    PodVolumes(KubernetesClient client) {
        this.client = client;
    }

    /** Materializes every volume and returns each volume's folder by name. */
    Map<String, Path> materialize(Pod pod, Path volumesDir) throws IOException {
        Map<String, Path> folders = new LinkedHashMap<>();
        for (Volume volume : pod.getSpec().getVolumes()) {
            if (volume.getHostPath() != null) {
                folders.put(volume.getName(), Path.of(volume.getHostPath().getPath()));
                continue;
            }
            Path folder = volumesDir.resolve(volume.getName());
            Files.createDirectories(folder);
            write(pod, volume, folder);
            folders.put(volume.getName(), folder);
        }
        return folders;
    }

    private void write(Pod pod, Volume volume, Path folder) throws IOException {
        String namespace = pod.getMetadata().getNamespace();
        if (volume.getEmptyDir() != null) {
            return;
        }
        if (volume.getConfigMap() != null) {
            var source = volume.getConfigMap();
            writeConfigMap(namespace, source.getName(), source.getItems(), Boolean.TRUE.equals(source.getOptional()),
                    folder);
        } else if (volume.getSecret() != null) {
            var source = volume.getSecret();
            writeSecret(namespace, source.getSecretName(), source.getItems(),
                    Boolean.TRUE.equals(source.getOptional()), folder);
        } else if (volume.getDownwardAPI() != null) {
            writeDownwardApi(pod, volume.getDownwardAPI().getItems(), folder);
        } else if (volume.getProjected() != null) {
            for (VolumeProjection projection : volume.getProjected().getSources()) {
                writeProjection(pod, projection, folder);
            }
        } else {
            throw new IOException("volume " + volume.getName() + ": the node agent (a test stand-in for the kubelet)"
                    + " supports emptyDir, configMap, secret, downwardAPI, projected and hostPath volumes only");
        }
    }

    private void writeProjection(Pod pod, VolumeProjection projection, Path folder) throws IOException {
        String namespace = pod.getMetadata().getNamespace();
        if (projection.getConfigMap() != null) {
            var source = projection.getConfigMap();
            writeConfigMap(namespace, source.getName(), source.getItems(), Boolean.TRUE.equals(source.getOptional()),
                    folder);
        } else if (projection.getSecret() != null) {
            var source = projection.getSecret();
            writeSecret(namespace, source.getName(), source.getItems(), Boolean.TRUE.equals(source.getOptional()),
                    folder);
        } else if (projection.getDownwardAPI() != null) {
            writeDownwardApi(pod, projection.getDownwardAPI().getItems(), folder);
        } else if (projection.getServiceAccountToken() != null) {
            writeToken(pod, projection.getServiceAccountToken(), folder);
        }
    }

    private void writeConfigMap(String namespace, String name, List<KeyToPath> items, boolean optional, Path folder)
            throws IOException {
        ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(name).get();
        if (configMap == null) {
            if (optional) {
                return;
            }
            throw new MissingSourceException("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (configMap.getData() != null) {
            configMap.getData().forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        if (configMap.getBinaryData() != null) {
            configMap.getBinaryData().forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
        }
        writeKeys(files, items, folder, "configmap " + name);
    }

    private void writeSecret(String namespace, String name, List<KeyToPath> items, boolean optional, Path folder)
            throws IOException {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            if (optional) {
                return;
            }
            throw new MissingSourceException("secret \"" + name + "\" not found");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> files.put(key, Base64.getDecoder().decode(value)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((key, value) -> files.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        writeKeys(files, items, folder, "secret " + name);
    }

    private static void writeKeys(Map<String, byte[]> files, List<KeyToPath> items, Path folder, String what)
            throws IOException {
        if (items == null || items.isEmpty()) {
            for (var file : files.entrySet()) {
                writeFile(folder.resolve(file.getKey()), file.getValue());
            }
            return;
        }
        for (KeyToPath item : items) {
            byte[] content = files.get(item.getKey());
            if (content == null) {
                throw new MissingSourceException(what + " has no key \"" + item.getKey() + "\"");
            }
            writeFile(folder.resolve(item.getPath()), content);
        }
    }

    private static void writeDownwardApi(Pod pod, List<DownwardAPIVolumeFile> items, Path folder)
            throws IOException {
        for (DownwardAPIVolumeFile item : items) {
            if (item.getFieldRef() == null) {
                throw new IOException("downwardAPI " + item.getPath() + ": only fieldRef items are supported");
            }
            String value = PodFields.value(pod, item.getFieldRef().getFieldPath(), pod.getStatus() == null ? null : pod.getStatus().getPodIP());
            writeFile(folder.resolve(item.getPath()), value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A token bound to the pod, as the kubelet requests it, so that deleting the pod invalidates it. */
    private void writeToken(Pod pod, ServiceAccountTokenProjection projection, Path folder) throws IOException {
        TokenRequestBuilder request = new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(projection.getExpirationSeconds())
                .withNewBoundObjectRef("v1", "Pod", pod.getMetadata().getName(), pod.getMetadata().getUid())
                .endSpec();
        if (projection.getAudience() != null && !projection.getAudience().isEmpty()) {
            request.editSpec().withAudiences(projection.getAudience()).endSpec();
        }
        String serviceAccount = pod.getSpec().getServiceAccountName() == null
                ? "default" : pod.getSpec().getServiceAccountName();
        TokenRequest token = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                .withName(serviceAccount).tokenRequest(request.build());
        writeFile(folder.resolve(projection.getPath()), token.getStatus().getToken().getBytes(StandardCharsets.UTF_8));
    }

    private static void writeFile(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }
}
