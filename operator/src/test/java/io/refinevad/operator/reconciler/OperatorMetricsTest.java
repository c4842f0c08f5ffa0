package io.refinevad.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.operator.crd.AnomalyDetector;
import org.junit.jupiter.api.Test;

/** The degraded-detector gauge: one series per detector, following its Degraded condition, gone with it. */
class OperatorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OperatorMetrics metrics = new OperatorMetrics(registry);

    @Test
    void eachDetectorHasASeriesThatFollowsItsDegradedCondition() {
        AnomalyDetector cameras = detector("shop", "cameras");
        AnomalyDetector lobby = detector("hotel", "cameras");
        metrics.degraded(cameras, true);
        metrics.degraded(lobby, false);
        assertThat(value("shop", "cameras")).isEqualTo(1.0);
        assertThat(value("hotel", "cameras")).isEqualTo(0.0);

        metrics.degraded(cameras, false);
        assertThat(value("shop", "cameras")).isEqualTo(0.0);
        assertThat(registry.find("refinevad_operator_detector_degraded").gauges()).hasSize(2);
    }

    @Test
    void aDeletedDetectorsSeriesIsRemoved() {
        AnomalyDetector cameras = detector("shop", "cameras");
        metrics.degraded(cameras, true);
        metrics.forget(cameras);
        assertThat(registry.find("refinevad_operator_detector_degraded").gauges()).isEmpty();

        metrics.degraded(cameras, true);
        assertThat(value("shop", "cameras")).as("a detector made again under the same name").isEqualTo(1.0);
    }

    private double value(String namespace, String name) {
        Gauge gauge = registry.find("refinevad_operator_detector_degraded").tag("detector_namespace", namespace)
                .tag("detector", name).gauge();
        assertThat(gauge).as("series of %s/%s", namespace, name).isNotNull();
        return gauge.value();
    }

    private static AnomalyDetector detector(String namespace, String name) {
        AnomalyDetector detector = new AnomalyDetector();
        detector.getMetadata().setNamespace(namespace);
        detector.getMetadata().setName(name);
        return detector;
    }
}
