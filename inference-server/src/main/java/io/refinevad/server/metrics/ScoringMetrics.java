package io.refinevad.server.metrics;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.refinevad.server.batching.BatchListener;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.Locale;

/**
 * The batcher's and the calls' Prometheus metrics at /q/metrics, for dashboards and alerts: batch sizes, the
 * queue, inference and total time of every job, and calls ended with an error. StreamGauges adds the load report's
 * numbers; the operator's autoscaler reads the load report over gRPC, not these. Names carry the refinevad_ prefix;
 * the histograms publish buckets (for histogram_quantile), not precomputed percentiles.
 */
@Singleton
public class ScoringMetrics implements BatchListener {
    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer queueTime;
    private final Timer inferenceTime;
    private final Timer totalTime;

    public ScoringMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder("refinevad_batch_size")
                .description("windows or clips per engine call").publishPercentileHistogram()
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
        this.queueTime = latency("refinevad_queue_time", "time a job waited for its batch");
        this.inferenceTime = latency("refinevad_inference_time", "engine time of the batch a job ran in");
        this.totalTime = latency("refinevad_total_time",
                "time from a job's entry into the batcher's queue to its result");
    }

    private Timer latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram().register(registry);
    }

    @Override
    public void batchRan(int size, long inferenceMicros) {
        batchSize.record(size);
        inferenceTime.record(inferenceMicros, TimeUnit.MICROSECONDS);
    }

    @Override
    public void jobAnswered(long queueMicros, long totalMicros) {
        queueTime.record(queueMicros, TimeUnit.MICROSECONDS);
        totalTime.record(totalMicros, TimeUnit.MICROSECONDS);
    }

    /** Every call that ends with an error status, by its code: invalid_argument, resource_exhausted, ... */
    public void rejected(Status.Code code) {
        Counter.builder("refinevad_rejections").description("calls ended with an error status, by code")
                .tag("reason", code.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }
}
