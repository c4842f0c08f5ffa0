package io.refinevad.operator.health;

import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** The operator's health check responses: UP, or DOWN with the reason in their data. */
final class OperatorHealth {

    static final Optional<String> NOT_STARTED_YET = Optional.of("the operator has not been started yet");
    private static final String NAME = "refinevad-operator";

    private OperatorHealth() {
    }

    static HealthCheckResponse response(Optional<String> problem) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(problem.isEmpty());
        problem.ifPresent(reason -> builder.withData("reason", reason));
        return builder.build();
    }
}
