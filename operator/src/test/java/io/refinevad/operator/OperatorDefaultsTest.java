package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.policy.DetectorPolicy;
import io.refinevad.operator.policy.PolicySettings;
import io.refinevad.operator.reconciler.OperatorSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's defaults have one source, application.properties. The code declares none of its own, and the
 * chart's values.yaml, the environment its Deployment passes and docs/OPERATOR.md's settings table must agree with
 * it, so a default changed in one place only fails here.
 */
class OperatorDefaultsTest {

    private static final String PREFIX = "refinevad.operator.";
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Path VALUES = Path.of("../helm/refinevad-operator/values.yaml");
    private static final Path DEPLOYMENT = Path.of("../helm/refinevad-operator/templates/deployment.yaml");
    private static final Path DOCS = Path.of("../docs/OPERATOR.md");
    /**
     * A settings-table row: | `property` | default | `helm value` | what it does |, or with no Helm value (any
     * words in its column) for a setting the chart fills in itself, such as the name of an object it makes.
     */
    private static final Pattern ROW = Pattern.compile(
            "^\\| `(" + Pattern.quote(PREFIX) + "[a-z.-]+)` \\| ([^|]+?) \\| (?:`([A-Za-z.]+)`|[^|`]+) \\|",
            Pattern.MULTILINE);
    private static final String UNSET = "unset";

    @Test
    void theCodeDeclaresNoDefaultOfItsOwn() {
        List<String> withDefaults = Arrays.stream(OperatorLifecycle.class.getConstructors())
                .flatMap(constructor -> Arrays.stream(constructor.getParameters()))
                .map(parameter -> parameter.getAnnotation(ConfigProperty.class))
                .filter(property -> property != null
                        && !ConfigProperty.UNCONFIGURED_VALUE.equals(property.defaultValue()))
                .map(ConfigProperty::name)
                .toList();
        assertThat(withDefaults).as("@ConfigProperty defaultValue duplicates application.properties").isEmpty();
    }

    @Test
    void theDocsTableListsEverySettingWithTheDefaultOfApplicationProperties() throws IOException {
        Map<String, String> defaults = operatorDefaults();
        Map<String, DocRow> rows = docRows();

        assertThat(rows.keySet()).as("settings in docs/OPERATOR.md").containsAll(defaults.keySet());
        rows.forEach((property, row) -> assertThat(row.defaultValue())
                .as("docs/OPERATOR.md default of %s", property)
                .isEqualTo(defaults.containsKey(property) ? "`" + defaults.get(property) + "`" : UNSET));
    }

    @Test
    void theChartsValuesAreTheDefaultsOfApplicationProperties() throws IOException {
        Map<String, String> defaults = operatorDefaults();
        Map<String, Object> values = new KubernetesSerialization().unmarshal(Files.readString(VALUES), Map.class);
        String deployment = Files.readString(DEPLOYMENT);

        docRows().forEach((property, row) -> {
            if (row.helmValue() == null) {
                assertThat(deployment).as("the chart fills in %s itself", property)
                        .containsPattern("- name: " + environmentName(property) + "\\s+value: \\{\\{ include ");
                return;
            }
            Object value = valueAt(values, row.helmValue());
            if (defaults.containsKey(property)) {
                assertThat(String.valueOf(value)).as("values.yaml %s (%s)", row.helmValue(), property)
                        .isEqualTo(defaults.get(property));
                assertThat(deployment).as("the chart passes %s as %s", row.helmValue(), property)
                        .containsPattern("- name: " + environmentName(property) + "\\s+value: \\{\\{ \\.Values\\."
                                + Pattern.quote(row.helmValue()) + " ");
            } else {
                assertThat(value).as("values.yaml %s leaves %s unset", row.helmValue(), property)
                        .isIn(false, "", null);
            }
        });
    }

    /**
     * The policy settings of Kubernetes shapes are JSON in application.properties and YAML in values.yaml, which the
     * chart turns into JSON: the same value either way.
     */
    @ParameterizedTest
    @CsvSource({"placements, policy.placements", "model-hosts, policy.modelHosts",
            "alert-receivers, policy.alertReceivers", "dns, policy.dns"})
    void theChartsJsonPolicySettingsAreTheDefaultsOfApplicationProperties(String setting, String helmValue)
            throws IOException {
        KubernetesSerialization serialization = new KubernetesSerialization();
        Map<String, Object> values = serialization.unmarshal(Files.readString(VALUES), Map.class);
        Object defaults = new ObjectMapper().readValue(operatorDefaults().get("refinevad.operator.policy." + setting),
                Object.class);

        assertThat(defaults).as("application.properties sets %s", setting).isNotNull();
        assertThat(valueAt(values, helmValue)).isEqualTo(defaults);
    }

    /** The default policy is one the operator starts with: its JSON settings parse, strictly, into what they say. */
    @Test
    void theDefaultPolicyIsOneTheOperatorStartsWith() throws IOException {
        Map<String, String> defaults = operatorDefaults();
        String policy = PREFIX + "policy.";
        PolicySettings settings = new PolicySettings() {
            public Optional<List<String>> imagePrefixes() {
                return Optional.empty();
            }
            public String placements() {
                return defaults.get(policy + "placements");
            }
            public List<ServiceSpec.Type> serviceTypes() {
                return List.of(ServiceSpec.Type.valueOf(defaults.get(policy + "service-types")));
            }
            public int maxReplicas() {
                return Integer.parseInt(defaults.get(policy + "max-replicas"));
            }
            public String maxCpu() {
                return defaults.get(policy + "max-cpu");
            }
            public String maxMemory() {
                return defaults.get(policy + "max-memory");
            }
            public int maxGpus() {
                return Integer.parseInt(defaults.get(policy + "max-gpus"));
            }
            public boolean allowHttpModels() {
                return Boolean.parseBoolean(defaults.get(policy + "allow-http-models"));
            }
            public boolean allowHttpAlerts() {
                return Boolean.parseBoolean(defaults.get(policy + "allow-http-alerts"));
            }
            public String modelHosts() {
                return defaults.get(policy + "model-hosts");
            }
            public String alertReceivers() {
                return defaults.get(policy + "alert-receivers");
            }
            public String dns() {
                return defaults.get(policy + "dns");
            }
        };

        DetectorPolicy parsed = DetectorPolicies.from(settings, ProductImages.AS_BUILT);
        assertThat(parsed.placements()).containsOnlyKeys("gpu");
        assertThat(parsed.egress().modelHosts()).extracting(IPBlock::getCidr).containsExactly("0.0.0.0/0", "::/0");
        assertThat(parsed.egress().modelHosts().get(0).getExcept()).as("cloud metadata and the cluster's ranges")
                .contains("169.254.0.0/16", "10.0.0.0/8");
        assertThat(parsed.egress().alertReceivers()).extracting(NetworkPolicyPeer::getIpBlock)
                .as("the same public addresses as the model hosts, by default")
                .isEqualTo(parsed.egress().modelHosts());
        assertThat(parsed.allowHttpAlerts()).isFalse();
        assertThat(parsed.egress().dns()).singleElement().satisfies(peer ->
                assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns"));
    }

    @Test
    void theTestsGatewayClusterRoleIsTheDefault() throws IOException {
        assertThat(OperatorSettings.CHART_GATEWAY_CLUSTER_ROLE)
                .isEqualTo(operatorDefaults().get("refinevad.operator.gateway-cluster-role"));
    }

    private record DocRow(String defaultValue, String helmValue) {
    }

    /** The refinevad.operator.* settings application.properties sets (a commented-out one is unset). */
    private static Map<String, String> operatorDefaults() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(name -> name.startsWith(PREFIX)).sorted()
                .forEach(name -> defaults.put(name, properties.getProperty(name)));
        assertThat(defaults).as("refinevad.operator.* in application.properties").isNotEmpty();
        return defaults;
    }

    private static Map<String, DocRow> docRows() throws IOException {
        Map<String, DocRow> rows = new LinkedHashMap<>();
        Matcher matcher = ROW.matcher(Files.readString(DOCS));
        while (matcher.find()) {
            rows.put(matcher.group(1), new DocRow(matcher.group(2), matcher.group(3)));
        }
        assertThat(rows).as("the settings table in docs/OPERATOR.md").isNotEmpty();
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static Object valueAt(Map<String, Object> values, String path) {
        Object node = values;
        for (String key : path.split("\\.")) {
            assertThat(node).as("values.yaml has %s", path).isInstanceOf(Map.class);
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }

    /** How Quarkus reads the property from the environment: REFINEVAD_OPERATOR_POLL_INTERVAL. */
    private static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
