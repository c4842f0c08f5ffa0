package io.refinevad.operator.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy settings written as JSON of Kubernetes types (placements, address blocks, DNS peers), read strictly.
 * fabric8's model classes keep a field they do not know in their additional properties instead of failing, so a
 * misspelt {@code excpt} of an ipBlock or {@code operater} of a toleration would silently widen the policy; here any
 * field unknown anywhere in the value stops the operator at startup, naming the setting and the field.
 */
final class PolicyJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PolicyJson() {
    }

    /** @throws IllegalArgumentException when the value is not JSON of the type, or holds a field it does not know */
    static <T> T read(String setting, String json, TypeReference<T> type, String example) {
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw invalid(setting, example, e.getOriginalMessage(), e);
        }
        Set<String> unknown = new TreeSet<>();
        collectUnknownFields(value, unknown);
        if (!unknown.isEmpty()) {
            throw invalid(setting, example, "unknown field " + String.join(", ", unknown), null);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String setting, String example, String why, Exception cause) {
        return new IllegalArgumentException(setting + " must be JSON such as " + example + ": " + why, cause);
    }

    private static void collectUnknownFields(Object value, Set<String> unknown) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(entry -> collectUnknownFields(entry, unknown));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(element -> collectUnknownFields(element, unknown));
        } else if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                collectUnknownFields(invoke(component.getAccessor(), record), unknown);
            }
        } else if (value instanceof KubernetesResource resource) {
            for (Method getter : resource.getClass().getMethods()) {
                if (isProperty(getter)) {
                    Object property = invoke(getter, resource);
                    if (getter.getName().equals("getAdditionalProperties")) {
                        ((Map<?, ?>) property).keySet().forEach(field -> unknown.add(String.valueOf(field)));
                    } else {
                        collectUnknownFields(property, unknown);
                    }
                }
            }
        }
    }

    private static boolean isProperty(Method method) {
        return method.getName().startsWith("get") && method.getParameterCount() == 0
                && !Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class;
    }

    private static Object invoke(Method accessor, Object target) {
        try {
            return accessor.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor + " of a policy setting", e);
        }
    }
}
