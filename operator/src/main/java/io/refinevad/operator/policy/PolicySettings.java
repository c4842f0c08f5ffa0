package io.refinevad.operator.policy;

import io.refinevad.operator.crd.ServiceSpec;
import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * The platform policy's settings, refinevad.operator.policy.*, whose defaults live in application.properties only
 * (docs/OPERATOR.md's settings table says what each means). {@link DetectorPolicies#from} turns them into the
 * policy.
 */
@ConfigMapping(prefix = "refinevad.operator.policy")
public interface PolicySettings {

    /** Prefixes spec.runtime.image must start with; unset: the registry the operator's own images come from. */
    Optional<List<String>> imagePrefixes();

    /** The placements, as JSON: {"name": {"nodeSelector": {...}, "tolerations": [...]}}. */
    String placements();

    List<ServiceSpec.Type> serviceTypes();

    int maxReplicas();

    String maxCpu();

    String maxMemory();

    int maxGpus();

    boolean allowHttpModels();

    boolean allowHttpAlerts();

    /** The address blocks models may be fetched from, as JSON: a list of NetworkPolicy ipBlocks. */
    String modelHosts();

    /** Where detectors' webhooks may post anomaly events to, as JSON: a list of NetworkPolicy peers. */
    String alertReceivers();

    /** The cluster's DNS servers, as JSON: a list of NetworkPolicy peers. */
    String dns();
}
