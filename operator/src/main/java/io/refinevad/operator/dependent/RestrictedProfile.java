package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The Pod Security "restricted" profile every pod the operator makes runs under (scoring and gateway pods, so a
 * namespace that enforces it admits them): non-root as the product images' user, seccomp RuntimeDefault, and each
 * container with a read-only root file system, no privilege escalation and no capabilities.
 */
final class RestrictedProfile {

    /** The uid and gid the product images name (user refinevad; images/, the parent pom's Jib user). */
    private static final long IMAGE_USER = 10001L;

    private RestrictedProfile() {
    }

    static PodSecurityContext pod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true).withRunAsUser(IMAGE_USER).withRunAsGroup(IMAGE_USER).withFsGroup(IMAGE_USER)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    static SecurityContext container() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }
}
