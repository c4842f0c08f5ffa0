package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Autoscaling on active streams, and how pods leave. */
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
        message = "scaling.minReplicas must not exceed scaling.maxReplicas")
public class ScalingSpec {

    /** At least one: with no pod there is nobody to receive the stream that should wake the detector up. */
    @Default("1")
    @Min(1)
    @Max(1000)
    private int minReplicas = 1;

    @Default("4")
    @Min(1)
    @Max(1000)
    private int maxReplicas = 4;

    @JsonPropertyDescription("active streams per pod the operator aims for; replicas = ceil(streams / this)")
    @Default("48")
    @Min(1)
    private int targetStreamsPerReplica = 48;

    @JsonPropertyDescription("a scale-down waits until the stream count has stayed low this long")
    @Default("300")
    @Min(0)
    @Max(86400)
    private int scaleDownStabilizationSeconds = 300;

    @JsonPropertyDescription("how long a removed pod may take to finish its accepted segments")
    @Default("30")
    @Min(1)
    @Max(3600)
    private int drainTimeoutSeconds = 30;

    public int getMinReplicas() {
        return minReplicas;
    }

    public void setMinReplicas(int minReplicas) {
        this.minReplicas = minReplicas;
    }

    public int getMaxReplicas() {
        return maxReplicas;
    }

    public void setMaxReplicas(int maxReplicas) {
        this.maxReplicas = maxReplicas;
    }

    public int getTargetStreamsPerReplica() {
        return targetStreamsPerReplica;
    }

    public void setTargetStreamsPerReplica(int targetStreamsPerReplica) {
        this.targetStreamsPerReplica = targetStreamsPerReplica;
    }

    public int getScaleDownStabilizationSeconds() {
        return scaleDownStabilizationSeconds;
    }

    public void setScaleDownStabilizationSeconds(int scaleDownStabilizationSeconds) {
        this.scaleDownStabilizationSeconds = scaleDownStabilizationSeconds;
    }

    public int getDrainTimeoutSeconds() {
        return drainTimeoutSeconds;
    }

    public void setDrainTimeoutSeconds(int drainTimeoutSeconds) {
        this.drainTimeoutSeconds = drainTimeoutSeconds;
    }
}
