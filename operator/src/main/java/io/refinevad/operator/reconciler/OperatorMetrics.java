package io.refinevad.operator.reconciler;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.scaling.ScaleDecision;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's own metrics at /q/metrics: reconciliations (count and latency, by outcome), scale decisions, drains
 * it undid, how many detectors' scaling histories it keeps, and the anomaly Events it did not record.
 */
public class OperatorMetrics {

    private final MeterRegistry registry;
    /** One series per existing detector, by namespace/name; a deleted detector's series goes with it. */
    private final Map<String, DegradedSeries> degraded = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void reconciled(Duration took, boolean failed) {
        Timer.builder("refinevad_operator_reconcile")
                .description("AnomalyDetector reconciliations and how long they took")
                .tag("outcome", failed ? "error" : "ok")
                .register(registry)
                .record(took);
    }

    /** One history per existing detector: a count that only grows would be a leak. */
    public void watchScalingHistories(DetectorScaler scaler) {
        Gauge.builder("refinevad_operator_scaling_histories", scaler, DetectorScaler::trackedDetectors)
                .description("detectors whose scaling history the operator keeps (one per existing detector)")
                .register(registry);
    }

    /** A pod drained although nobody was deleting it: undrained, evicted, or eviction-refused (tried again). */
    public void unaskedDrain(String outcome) {
        registry.counter("refinevad_operator_unasked_drains", "outcome", outcome).increment();
    }

    public void decided(ScaleDecision decision) {
        if (decision.direction() != ScaleDecision.Direction.NONE) {
            registry.counter("refinevad_operator_scale_decisions", "direction",
                    decision.direction().name().toLowerCase()).increment();
        }
    }

    /** Anomaly starts not recorded as Events: held back by a rate limit, or no longer kept by their pod. */
    public void anomalyEventsSuppressed(String reason, long count) {
        if (count > 0) {
            registry.counter("refinevad_operator_anomaly_events_suppressed", "reason", reason).increment(count);
        }
    }

    /**
     * 1 while the detector's Degraded condition is True, else 0: the alert on a degraded detector needs a series, as
     * the condition itself is in the API server, not in Prometheus. Labelled detector_namespace, not namespace,
     * which the scrape's own target label (the operator's namespace) would overwrite.
     */
    public void degraded(AnomalyDetector detector, boolean isDegraded) {
        String namespace = detector.getMetadata().getNamespace();
        String name = detector.getMetadata().getName();
        degraded.computeIfAbsent(namespace + "/" + name, key -> {
            AtomicInteger value = new AtomicInteger();
            return new DegradedSeries(value, Gauge.builder("refinevad_operator_detector_degraded", value,
                            AtomicInteger::get)
                    .description("1 while the detector's Degraded condition is True")
                    .tag("detector_namespace", namespace).tag("detector", name).register(registry));
        }).value().set(isDegraded ? 1 : 0);
    }

    /** The detector is gone: so is its series. */
    public void forget(AnomalyDetector detector) {
        DegradedSeries series = degraded.remove(detector.getMetadata().getNamespace() + "/"
                + detector.getMetadata().getName());
        if (series != null) {
            registry.remove(series.gauge());
        }
    }

    private record DegradedSeries(AtomicInteger value, Gauge gauge) {
    }
}
