package io.refinevad.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.crd.GatewaySpec;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.scaling.ScaleDecision;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds the detector's status, the one place its conditions are made: from one pass's observation and decision,
 * or after a pass that failed. Conditions keep their transition time while their status stays, so an unchanged world
 * gives an equal status and the reconciler writes nothing.
 */
public final class StatusAggregator {

    /** The Degraded reason of a pass that failed (an API error that JOSDK's retries did not get past). */
    public static final String RECONCILE_FAILED = "ReconcileFailed";
    /** The reason of Accepted False, Degraded True (and Ready False before anything was made) for a refused spec. */
    public static final String POLICY_VIOLATION = "PolicyViolation";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final List<String> MODEL_PROBLEMS = List.of("ModelChecksumMismatch", "ModelFetchFailed");

    private StatusAggregator() {
    }

    public static AnomalyDetectorStatus aggregate(AnomalyDetector detector, DetectorObservation observation,
            ScaleDecision decision, Instant now) {
        AnomalyDetectorStatus previous = previousStatus(detector);
        long generation = generation(detector);
        int ready = observation.readyPods();
        int desired = decision.desiredReplicas();
        int current = observation.currentReplicas();
        long unanswered = observation.pods().stream().filter(p -> p.ready() && p.load().isEmpty()).count();
        Optional<PodProblems.Problem> problem = PodProblems.diagnose(observation.pods());

        AnomalyDetectorStatus status = new AnomalyDetectorStatus();
        status.setObservedGeneration(generation);
        status.setReplicas(observation.deployment().map(d -> d.getStatus() == null ? null : d.getStatus().getReplicas())
                .orElse(0));
        status.setReadyReplicas(ready);
        status.setDesiredReplicas(desired);
        status.setActiveStreams(observation.activeStreams());
        status.setStreamCapacity(observation.streamCapacity());
        status.setRestarts(restarts(observation.pods()));
        status.setEndpoint(DetectorResources.serviceName(detector) + "." + detector.getMetadata().getNamespace()
                + ".svc:" + detector.getSpec().getService().getPort());
        status.setSelector(DetectorResources.podSelectorString(detector));
        if (decision.direction() != ScaleDecision.Direction.NONE) {
            status.setLastScaleTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
            status.setLastScaleReason(decision.reason());
        } else {
            status.setLastScaleTime(previous.getLastScaleTime());
            status.setLastScaleReason(previous.getLastScaleReason());
        }

        List<Condition> conditions = new ArrayList<>();
        conditions.add(condition(previous, ConditionType.ACCEPTED, true, "WithinPolicy",
                "the spec is within the platform policy", generation, now));
        GatewaySpec gateway = detector.getSpec().getGateway();
        int gatewayReady = observation.readyGatewayPods();
        boolean scoringReady = ready >= desired && ready > 0;
        // One gateway pod is enough to reach the scoring pods; GatewayReady says whether all are there.
        boolean reachable = !gateway.isEnabled() || gatewayReady > 0;
        boolean allReady = scoringReady && reachable;
        String gatewayPods = gatewayReady + " of " + gateway.getReplicas() + " gateway pods ready";
        conditions.add(condition(previous, ConditionType.READY, allReady,
                allReady ? "PodsReady" : scoringReady ? "GatewayNotReady" : "PodsNotReady",
                ready + " of " + desired + " scoring pods ready" + (gateway.isEnabled() ? ", " + gatewayPods : ""),
                generation, now));
        boolean gatewayAllReady = gatewayReady >= gateway.getReplicas();
        conditions.add(gateway.isEnabled()
                ? condition(previous, ConditionType.GATEWAY_READY, gatewayAllReady,
                        gatewayAllReady ? "PodsReady" : "PodsNotReady", gatewayPods, generation, now)
                : condition(previous, ConditionType.GATEWAY_READY, true, "Disabled",
                        "spec.gateway.enabled is false: the detector's Service selects the scoring pods", generation,
                        now));
        Optional<PodProblems.Problem> modelProblem = problem.filter(p -> MODEL_PROBLEMS.contains(p.reason()));
        conditions.add(condition(previous, ConditionType.MODEL_READY, ready > 0,
                ready > 0 ? "Loaded" : modelProblem.map(PodProblems.Problem::reason).orElse("Loading"),
                ready > 0 ? "the model is loaded and verified by " + ready + " pod(s)"
                        : modelProblem.map(PodProblems.Problem::message).orElse("no pod has loaded the model yet"),
                generation, now));
        boolean scaling = current != desired || ready != desired;
        conditions.add(condition(previous, ConditionType.SCALING, scaling,
                !scaling ? "Stable" : desired > ready ? "ScalingUp" : "ScalingDown",
                !scaling ? desired + " replicas, as decided" : current + " replicas, " + ready + " ready, "
                        + desired + " wanted: " + decision.reason(), generation, now));
        Optional<PodProblems.Problem> degraded = problem.or(() -> unanswered == 0 ? Optional.empty()
                : Optional.of(new PodProblems.Problem("PodsUnreachable", unanswered
                        + " ready pod(s) did not answer their load report; scale-down waits for them")));
        conditions.add(condition(previous, ConditionType.DEGRADED, degraded.isPresent(),
                degraded.map(PodProblems.Problem::reason).orElse("AsExpected"),
                degraded.map(PodProblems.Problem::message).orElse("no problem seen"), generation, now));
        status.setConditions(conditions);
        return status;
    }

    /**
     * The status after a pass that failed: what the last good pass observed (nothing new was), with Degraded True
     * for {@link #RECONCILE_FAILED} and the failure's message.
     */
    public static AnomalyDetectorStatus failed(AnomalyDetector detector, Exception failure, Instant now) {
        AnomalyDetectorStatus previous = previousStatus(detector);
        long generation = generation(detector);
        AnomalyDetectorStatus status = SERIALIZATION.clone(previous);
        List<Condition> conditions = new ArrayList<>(status.getConditions());
        conditions.removeIf(c -> ConditionType.DEGRADED.equals(c.getType()));
        conditions.add(condition(previous, ConditionType.DEGRADED, true, RECONCILE_FAILED,
                "reconciliation failed: " + Optional.ofNullable(failure.getMessage()).orElse(failure.toString()),
                generation, now));
        status.setConditions(conditions);
        return status;
    }

    /**
     * The status of a detector whose spec the platform policy refuses: what the last pass within it observed (the
     * operator changed nothing since), Accepted False and Degraded True naming the rules broken, and Ready False if
     * nothing was ever made for it.
     */
    public static AnomalyDetectorStatus refused(AnomalyDetector detector, List<String> violations, Instant now) {
        AnomalyDetectorStatus previous = previousStatus(detector);
        long generation = generation(detector);
        AnomalyDetectorStatus status = SERIALIZATION.clone(previous);
        String message = "refused by the platform policy: " + String.join("; ", violations);
        List<Condition> conditions = new ArrayList<>(status.getConditions());
        conditions.removeIf(c -> ConditionType.ACCEPTED.equals(c.getType())
                || ConditionType.DEGRADED.equals(c.getType()));
        conditions.add(0, condition(previous, ConditionType.ACCEPTED, false, POLICY_VIOLATION, message, generation,
                now));
        if (conditions.stream().noneMatch(c -> ConditionType.READY.equals(c.getType()))) {
            conditions.add(condition(previous, ConditionType.READY, false, POLICY_VIOLATION,
                    "nothing was made for this detector: " + message, generation, now));
        }
        conditions.add(condition(previous, ConditionType.DEGRADED, true, POLICY_VIOLATION, message, generation, now));
        status.setConditions(conditions);
        return status;
    }

    /** The status the detector has now, or an empty one before the first pass wrote any. */
    private static AnomalyDetectorStatus previousStatus(AnomalyDetector detector) {
        return Optional.ofNullable(detector.getStatus()).orElseGet(AnomalyDetectorStatus::new);
    }

    private static long generation(AnomalyDetector detector) {
        return Optional.ofNullable(detector.getMetadata().getGeneration()).orElse(0L);
    }

    /** Every container's restarts in the observed pods, init containers included (a fetch that failed and ran again). */
    private static int restarts(List<ObservedPod> pods) {
        return pods.stream().map(ObservedPod::pod).filter(pod -> pod.getStatus() != null)
                .flatMap(pod -> Stream.concat(pod.getStatus().getInitContainerStatuses().stream(),
                        pod.getStatus().getContainerStatuses().stream()))
                .mapToInt(container -> Optional.ofNullable(container.getRestartCount()).orElse(0))
                .sum();
    }

    private static Condition condition(AnomalyDetectorStatus previous, String type, boolean value, String reason,
            String message, long generation, Instant now) {
        String statusText = value ? "True" : "False";
        String transition = previous.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(transition).build();
    }
}
