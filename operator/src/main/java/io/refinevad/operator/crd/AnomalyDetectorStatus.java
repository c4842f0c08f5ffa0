package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed; written only when it changed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnomalyDetectorStatus {

    private Long observedGeneration;
    /** Ready, ModelReady, Scaling, Degraded (see {@link ConditionType}). */
    private List<Condition> conditions = new ArrayList<>();
    @StatusReplicas
    private Integer replicas;
    private Integer readyReplicas;
    private Integer desiredReplicas;
    private Integer activeStreams;
    private Integer streamCapacity;
    @JsonPropertyDescription("container restarts in the current scoring pods (OOM kills, crashes, failed liveness"
            + " probes); a replaced pod counts from 0")
    private Integer restarts;
    /** host:port of the gRPC Service that clients use. */
    private String endpoint;
    /** The pods' label selector, for the scale subresource (and so for an HPA). */
    @LabelSelector
    private String selector;
    private String lastScaleTime;
    private String lastScaleReason;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public Integer getDesiredReplicas() {
        return desiredReplicas;
    }

    public void setDesiredReplicas(Integer desiredReplicas) {
        this.desiredReplicas = desiredReplicas;
    }

    public Integer getActiveStreams() {
        return activeStreams;
    }

    public void setActiveStreams(Integer activeStreams) {
        this.activeStreams = activeStreams;
    }

    public Integer getStreamCapacity() {
        return streamCapacity;
    }

    public void setStreamCapacity(Integer streamCapacity) {
        this.streamCapacity = streamCapacity;
    }

    public Integer getRestarts() {
        return restarts;
    }

    public void setRestarts(Integer restarts) {
        this.restarts = restarts;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public String getLastScaleTime() {
        return lastScaleTime;
    }

    public void setLastScaleTime(String lastScaleTime) {
        this.lastScaleTime = lastScaleTime;
    }

    public String getLastScaleReason() {
        return lastScaleReason;
    }

    public void setLastScaleReason(String lastScaleReason) {
        this.lastScaleReason = lastScaleReason;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof AnomalyDetectorStatus that)) {
            return false;
        }
        return Objects.equals(observedGeneration, that.observedGeneration)
                && Objects.equals(conditions, that.conditions)
                && Objects.equals(replicas, that.replicas)
                && Objects.equals(readyReplicas, that.readyReplicas)
                && Objects.equals(desiredReplicas, that.desiredReplicas)
                && Objects.equals(activeStreams, that.activeStreams)
                && Objects.equals(streamCapacity, that.streamCapacity)
                && Objects.equals(restarts, that.restarts)
                && Objects.equals(endpoint, that.endpoint)
                && Objects.equals(selector, that.selector)
                && Objects.equals(lastScaleTime, that.lastScaleTime)
                && Objects.equals(lastScaleReason, that.lastScaleReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, replicas, readyReplicas, desiredReplicas, activeStreams,
                streamCapacity, restarts, endpoint, selector, lastScaleTime, lastScaleReason);
    }
}
