package io.refinevad.e2e.cluster;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.Map;

/**
 * The Pod Security "restricted" profile, which every test namespace of the local cluster enforces (so a pod the
 * product creates that breaks it fails the suites, as it would fail on a hardened cluster), and the security
 * contexts the tests' own pods take to comply.
 */
public final class RestrictedProfile {

    /**
     * The labels of every test namespace: PodSecurity admission refuses pods that break the profile, at the
     * version of the cluster's own API server.
     */
    public static final Map<String, String> NAMESPACE_LABELS = Map.of(
            "pod-security.kubernetes.io/enforce", "restricted",
            "pod-security.kubernetes.io/enforce-version", "latest");

    private RestrictedProfile() {
    }

    /** Non-root, with the container runtime's default seccomp profile. */
    public static PodSecurityContext pod() {
        return new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(10001L).withRunAsGroup(10001L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    /** No privilege escalation, no capabilities. */
    public static SecurityContext container() {
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities().build();
    }
}
