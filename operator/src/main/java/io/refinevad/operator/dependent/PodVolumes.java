package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** The volume shapes the operator's pod templates share. */
final class PodVolumes {

    private PodVolumes() {
    }

    static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    /** A Secret as a whole volume (not subPath), so that the kubelet brings a rotated Secret into the running pod. */
    static Volume secret(String name, String secretName) {
        return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secretName).endSecret().build();
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }
}
