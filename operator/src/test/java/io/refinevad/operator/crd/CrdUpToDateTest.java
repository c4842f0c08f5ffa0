package io.refinevad.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in CRD (crds/, which the Helm chart installs) is the one the resource classes generate. */
class CrdUpToDateTest {

    private static final String FILE = "anomalydetectors.refinevad.io-v1.yml";

    @Test
    void theCheckedInCrdMatchesTheGeneratedOne() throws IOException {
        String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", FILE));
        Path checkedIn = Path.of("../crds", FILE);
        assertThat(checkedIn).as("crds/%s exists", FILE).exists();
        assertThat(Files.readString(checkedIn))
                .as("crds/%s is stale: run ./mvnw -pl operator -Pupdate-crds process-classes and commit it", FILE)
                .isEqualTo(generated);
    }
}
