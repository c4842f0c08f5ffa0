package io.refinevad.operator.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import io.refinevad.operator.ProductImages;
import io.refinevad.operator.crd.ServiceSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** Where a {@link DetectorPolicy} comes from: the operator's settings, or, for tests, one that limits nothing. */
public final class DetectorPolicies {

    private DetectorPolicies() {
    }

    /**
     * @throws IllegalArgumentException when the placements are not JSON of the documented shape (an unknown key, a
     *     misspelt toleration field): the operator refuses to start rather than place pods by half a policy
     */
    public static DetectorPolicy from(PolicySettings settings, ProductImages images) {
        return new DetectorPolicy(settings.imagePrefixes().orElse(List.of(images.registry() + "/")),
                placements(settings.placements()), EnumSet.copyOf(settings.serviceTypes()), settings.maxReplicas(),
                new Quantity(settings.maxCpu()), new Quantity(settings.maxMemory()), settings.maxGpus(),
                settings.allowHttpModels());
    }

    /**
     * For tests about other things than the policy: any image, Service type and model URL, the CRD's own maxima,
     * and a placement named gpu.
     */
    public static DetectorPolicy unrestricted() {
        return new DetectorPolicy(List.of(""), Map.of("gpu", new Placement(Map.of(), List.of())),
                EnumSet.allOf(ServiceSpec.Type.class), 1000, new Quantity("1000"), new Quantity("1Ei"), 16, true);
    }

    static Map<String, Placement> placements(String json) {
        try {
            return new ObjectMapper().readValue(json, new TypeReference<Map<String, Placement>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("refinevad.operator.policy.placements must be JSON such as {\"gpu\":"
                    + " {\"nodeSelector\": {\"nvidia.com/gpu.present\": \"true\"}, \"tolerations\": [{\"key\":"
                    + " \"nvidia.com/gpu\", \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]}}: "
                    + e.getOriginalMessage(), e);
        }
    }
}
