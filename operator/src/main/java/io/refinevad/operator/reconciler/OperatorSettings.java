package io.refinevad.operator.reconciler;

import java.time.Duration;

/**
 * How often the operator polls each detector's pods for their load, and how long one pod may take to answer.
 * The poll interval bounds how quickly a stream surge turns into new pods.
 */
public record OperatorSettings(Duration pollInterval, Duration loadReportTimeout) {
}
