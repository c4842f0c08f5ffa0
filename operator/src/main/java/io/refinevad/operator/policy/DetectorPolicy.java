package io.refinevad.operator.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.operator.dependent.ScoringMemory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the platform team lets a detector ask for, from the operator's configuration (refinevad.operator.policy.*),
 * not from each tenant's spec: the registries its server image may come from, the placements it may name, the
 * Service types it may expose, how many pods and how much CPU, memory and GPU each may take, and whether its model
 * may be fetched, and its anomaly events posted, over plain http; and where its scoring pods may connect to. A
 * detector outside the policy is refused as a whole, each violation naming the setting that forbids it; what the
 * operator made for it before stays as it was.
 *
 * @param imagePrefixes the prefixes spec.runtime.image must start with (registry and path, e.g. ghcr.io/refinevad/)
 * @param placements the placements detectors may name, by name
 * @param serviceTypes the spec.service.type values allowed
 * @param maxReplicas the largest spec.scaling.maxReplicas (spec.replicas lies within it, by the CRD)
 * @param maxCpu the most CPU a scoring pod may request or be limited to
 * @param maxMemory the highest memory limit of a scoring pod (the limit the operator derives included)
 * @param maxGpus the most GPUs per scoring pod
 * @param allowHttpModels whether a detector may fetch its model over plain http (it must also say model.allowHttp)
 * @param allowHttpAlerts whether a detector may post its anomaly events over plain http (it must also say
 *     alerts.webhook.allowHttp)
 * @param egress where scoring pods may connect to (their NetworkPolicy's egress rules; nothing to refuse)
 */
public record DetectorPolicy(List<String> imagePrefixes, Map<String, Placement> placements,
        Set<ServiceSpec.Type> serviceTypes, int maxReplicas, Quantity maxCpu, Quantity maxMemory, int maxGpus,
        boolean allowHttpModels, boolean allowHttpAlerts, ScoringEgress egress) {

    private static final String SETTING = "refinevad.operator.policy.";

    public DetectorPolicy {
        imagePrefixes = List.copyOf(imagePrefixes);
        placements = Map.copyOf(placements);
        serviceTypes = Set.copyOf(serviceTypes);
    }

    /** The placement a detector named, if the platform defines it; none named: no node selector, no toleration. */
    public Optional<Placement> placement(RuntimeSpec runtime) {
        return runtime.getPlacement() == null ? Optional.of(Placement.ANYWHERE)
                : Optional.ofNullable(placements.get(runtime.getPlacement()));
    }

    /** Why the policy refuses this spec, one sentence per rule broken; empty when it is within the policy. */
    public List<String> violations(AnomalyDetectorSpec spec) {
        List<String> violations = new ArrayList<>();
        RuntimeSpec runtime = spec.getRuntime();
        String image = runtime.getImage();
        if (image != null && imagePrefixes.stream().noneMatch(image::startsWith)) {
            violations.add("spec.runtime.image " + image + " is not from a registry the platform allows: "
                    + listed(imagePrefixes) + " (" + SETTING + "image-prefixes)");
        }
        if (placement(runtime).isEmpty()) {
            violations.add("spec.runtime.placement " + runtime.getPlacement() + " is not one the platform defines: "
                    + listed(new TreeSet<>(placements.keySet())) + " (" + SETTING + "placements)");
        }
        ServiceSpec.Type serviceType = spec.getService().getType();
        if (!serviceTypes.contains(serviceType)) {
            violations.add("spec.service.type " + serviceType + " is not allowed: " + listed(
                    serviceTypes.stream().map(Enum::name).sorted().toList()) + " (" + SETTING + "service-types)");
        }
        if (spec.getScaling().getMaxReplicas() > maxReplicas) {
            violations.add("spec.scaling.maxReplicas " + spec.getScaling().getMaxReplicas() + " is above the"
                    + " platform's maximum of " + maxReplicas + " (" + SETTING + "max-replicas)");
        }
        if (runtime.getGpus() > maxGpus) {
            violations.add("spec.runtime.gpus " + runtime.getGpus() + " is above the platform's maximum of " + maxGpus
                    + " per pod (" + SETTING + "max-gpus)");
        }
        ResourceRequirements resources = runtime.getResources();
        if (resources != null) {
            above(resources.getRequests(), "cpu", maxCpu).ifPresent(cpu -> violations.add("spec.runtime.resources"
                    + " requests cpu " + cpu + ", above the platform's maximum of " + maxCpu + " per pod (" + SETTING
                    + "max-cpu)"));
            above(resources.getLimits(), "cpu", maxCpu).ifPresent(cpu -> violations.add("spec.runtime.resources"
                    + " limits cpu to " + cpu + ", above the platform's maximum of " + maxCpu + " per pod (" + SETTING
                    + "max-cpu)"));
        }
        Quantity memoryLimit = ScoringMemory.limitOf(runtime);
        if (memoryLimit.getNumericalAmount().compareTo(maxMemory.getNumericalAmount()) > 0) {
            violations.add("the scoring pods' memory limit " + memoryLimit + " (spec.runtime.resources, or derived"
                    + " from streamCapacity and window when unset) is above the platform's maximum of " + maxMemory
                    + " per pod (" + SETTING + "max-memory)");
        }
        if (spec.getModel().isAllowHttp() && !allowHttpModels) {
            violations.add("spec.model.allowHttp: the platform fetches models over https only (" + SETTING
                    + "allow-http-models)");
        }
        WebhookSpec webhook = spec.getAlerts().getWebhook();
        if (webhook != null && webhook.isAllowHttp() && !allowHttpAlerts) {
            violations.add("spec.alerts.webhook.allowHttp: the platform posts anomaly events over https only ("
                    + SETTING + "allow-http-alerts)");
        }
        return violations;
    }

    private static Optional<Quantity> above(Map<String, Quantity> amounts, String resource, Quantity maximum) {
        Quantity amount = amounts == null ? null : amounts.get(resource);
        BigDecimal value = amount == null ? null : amount.getNumericalAmount();
        return value != null && value.compareTo(maximum.getNumericalAmount()) > 0 ? Optional.of(amount)
                : Optional.empty();
    }

    private static String listed(Iterable<String> allowed) {
        String list = String.join(", ", allowed);
        return list.isEmpty() ? "none" : list;
    }
}
