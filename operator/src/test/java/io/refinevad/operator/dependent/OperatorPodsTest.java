package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's own pods, from the two settings the Helm chart passes. */
class OperatorPodsTest {

    @Test
    void theChartsSettingsNameTheNamespaceAndTheLabels() {
        assertThat(OperatorPods.of(Optional.of("vad-system"),
                Optional.of("app.kubernetes.io/name=refinevad-operator,app.kubernetes.io/instance=vad")))
                .contains(new OperatorPods("vad-system", Map.of("app.kubernetes.io/name", "refinevad-operator",
                        "app.kubernetes.io/instance", "vad")));
        assertThat(OperatorPods.of(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void halfASettingOrAMalformedSelectorIsRefusedWithWhatToSet() {
        assertThatThrownBy(() -> OperatorPods.of(Optional.of("vad-system"), Optional.empty()))
                .hasMessageContaining("set both or neither");
        assertThatThrownBy(() -> OperatorPods.of(Optional.of("vad-system"), Optional.of("app=vad,oops")))
                .hasMessageContaining("key=value pairs").hasMessageContaining("oops");
    }
}
