package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** The volume shapes the operator's pod templates share. */
final class PodVolumes {

    /** File mode 0440. */
    private static final int OWNER_AND_GROUP_READ = 0440;

    private PodVolumes() {
    }

    static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    /** A Secret as a whole volume (not subPath), so that the kubelet brings a rotated Secret into the running pod. */
    static Volume secret(String name, String secretName) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secretName).endSecret().build();
    }

    /**
     * One key of a Secret as the volume's only file, readable by root and the pod's group and nobody else: the
     * kubelet gives the files to the pod's fsGroup, the image user's group ({@link RestrictedProfile}). A whole
     * volume like {@link #secret}, so a rotated Secret reaches the running pod.
     */
    static Volume secretKey(String name, String secretName, String key, String file) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secretName)
                .addNewItem().withKey(key).withPath(file).endItem()
                .withDefaultMode(OWNER_AND_GROUP_READ).endSecret().build();
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }
}
