package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.operator.reconciler.OperatorSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the health checks read ({@link OperatorRun}) against a real API server: an operator whose start fails
 * because the CRD is missing is neither ready nor alive, for good; one that starts is ready; one that stops without
 * being asked is dead, and one stopped on purpose is not. The first test runs before the CRD is installed: this API
 * server is the test's own, so removing the CRD from under other tests is never a question.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorRunApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final OperatorSettings SETTINGS = new OperatorSettings(Duration.ofSeconds(1), Duration.ofSeconds(1));
    @RegisterExtension
    static final ApiServer API = ApiServer.withoutCrd();

    @Test
    @Order(1)
    void withoutTheCrdTheStartFailsAndTheOperatorIsNeitherReadyNorAlive() {
        try (DetectorOperator operator = operator()) {
            OperatorRun run = OperatorRun.startInBackground(operator);

            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(run.deadBecause()).isPresent());
            assertThat(run.deadBecause().orElseThrow()).startsWith("the operator failed to start")
                    .contains("anomalydetectors");
            assertThat(run.notReadyBecause()).isEqualTo(run.deadBecause());
            assertThat(operator.runtimeInfo().isStarted()).as("JOSDK stopped it").isFalse();
        }
    }

    @Test
    @Order(2)
    void withTheCrdItBecomesReadyAndAStopItDidNotAskForIsADeath() {
        try (DetectorOperator operator = operator()) {
            OperatorRun run = startWithTheCrdAndAwaitReady(operator);
            assertThat(run.deadBecause()).isEmpty();

            operator.close();
            assertThat(run.deadBecause()).contains("the operator stopped");
            assertThat(run.notReadyBecause()).contains("the operator stopped");
        }
    }

    @Test
    @Order(3)
    void aStopTheApplicationAsksForIsNotADeath() {
        try (DetectorOperator operator = operator()) {
            OperatorRun run = startWithTheCrdAndAwaitReady(operator);

            run.stop();
            assertThat(run.deadBecause()).isEmpty();
            assertThat(run.notReadyBecause()).contains("the operator is stopping");
        }
    }

    private static OperatorRun startWithTheCrdAndAwaitReady(DetectorOperator operator) {
        API.installCrd();
        OperatorRun run = OperatorRun.startInBackground(operator);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(run.notReadyBecause()).isEmpty());
        return run;
    }

    private static DetectorOperator operator() {
        return new DetectorOperator(API.client(), new SimpleMeterRegistry(), SETTINGS, Optional.empty());
    }
}
