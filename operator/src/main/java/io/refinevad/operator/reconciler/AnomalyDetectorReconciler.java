package io.refinevad.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorStatus;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.dependent.DisruptionBudgetDependent;
import io.refinevad.operator.dependent.GatewayDeploymentDependent;
import io.refinevad.operator.dependent.GatewayDisruptionBudgetDependent;
import io.refinevad.operator.dependent.GatewayEnabled;
import io.refinevad.operator.dependent.GatewayRoleBindingDependent;
import io.refinevad.operator.dependent.GatewayServiceAccountDependent;
import io.refinevad.operator.dependent.GrpcServiceDependent;
import io.refinevad.operator.dependent.HeadlessServiceDependent;
import io.refinevad.operator.dependent.NetworkPolicyDependent;
import io.refinevad.operator.dependent.ScoringDeploymentDependent;
import io.refinevad.operator.dependent.ServerConfigMapDependent;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.DetectorObserver;
import io.refinevad.operator.load.PodDeletionCosts;
import io.refinevad.operator.scaling.ScaleDecision;
import io.refinevad.operator.status.StatusAggregator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Reconciles an AnomalyDetector in the order the Flink and Keycloak operators use: observe (Deployment, pods and
 * their load reports), decide (the scaling policy), reconcile the dependents with that decision, then write the
 * status only if it changed, and come back after the poll interval to observe the load again.
 *
 * <p>It is a {@link Cleaner} because the operator keeps something of each detector outside Kubernetes: its scaling
 * history. JOSDK therefore puts the {@value #FINALIZER} finalizer on every detector and calls {@link #cleanup} when
 * one is deleted; the dependents need no cleanup, their owner references let Kubernetes delete them.
 */
@ControllerConfiguration(name = "anomalydetector", finalizerName = AnomalyDetectorReconciler.FINALIZER)
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "config", type = ServerConfigMapDependent.class),
        @Dependent(name = AnomalyDetectorReconciler.SCORING_DEPLOYMENT, type = ScoringDeploymentDependent.class,
                dependsOn = "config"),
        @Dependent(name = "service", type = GrpcServiceDependent.class),
        @Dependent(name = "headless-service", type = HeadlessServiceDependent.class),
        @Dependent(name = "disruption-budget", type = DisruptionBudgetDependent.class),
        @Dependent(name = "network-policy", type = NetworkPolicyDependent.class),
        @Dependent(name = "gateway-service-account", type = GatewayServiceAccountDependent.class,
                reconcilePrecondition = GatewayEnabled.class),
        @Dependent(name = "gateway-role-binding", type = GatewayRoleBindingDependent.class,
                reconcilePrecondition = GatewayEnabled.class),
        @Dependent(name = AnomalyDetectorReconciler.GATEWAY_DEPLOYMENT, type = GatewayDeploymentDependent.class,
                reconcilePrecondition = GatewayEnabled.class),
        @Dependent(name = "gateway-disruption-budget", type = GatewayDisruptionBudgetDependent.class,
                reconcilePrecondition = GatewayEnabled.class)})
public class AnomalyDetectorReconciler implements Reconciler<AnomalyDetector>, Cleaner<AnomalyDetector> {

    public static final String FINALIZER = "refinevad.io/operator";
    /**
     * The dependents' names, which name their informers' event sources too: there are two Deployment event sources,
     * so the reconciler asks for each Deployment by its source's name.
     */
    static final String SCORING_DEPLOYMENT = "deployment";
    static final String GATEWAY_DEPLOYMENT = "gateway-deployment";

    private final DetectorObserver observer;
    private final DetectorScaler scaler;
    private final UnaskedDrainReversal drainReversal;
    private final PodDeletionCosts deletionCosts;
    private final DetectorEvents events;
    private final AnomalyStartEvents anomalyStarts;
    private final OperatorMetrics metrics;
    private final OperatorSettings settings;

    public AnomalyDetectorReconciler(DetectorObserver observer, DetectorScaler scaler,
            UnaskedDrainReversal drainReversal, PodDeletionCosts deletionCosts, DetectorEvents events,
            AnomalyStartEvents anomalyStarts, OperatorMetrics metrics, OperatorSettings settings) {
        this.observer = observer;
        this.scaler = scaler;
        this.drainReversal = drainReversal;
        this.deletionCosts = deletionCosts;
        this.events = events;
        this.anomalyStarts = anomalyStarts;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Override
    public UpdateControl<AnomalyDetector> reconcile(AnomalyDetector detector, Context<AnomalyDetector> context) {
        Instant started = Instant.now();
        List<String> violations = settings.policy().violations(detector.getSpec());
        if (!violations.isEmpty()) {
            return refuse(detector, violations, started);
        }
        DetectorObservation observation = observer.observe(detector,
                context.getSecondaryResource(Deployment.class, SCORING_DEPLOYMENT),
                context.getSecondaryResource(Deployment.class, GATEWAY_DEPLOYMENT));
        // This pass still counts an undrained pod as draining; the next one sees it serving.
        drainReversal.reverse(detector, observation);
        anomalyStarts.relay(detector, observation, started);
        ScaleDecision decision = scaler.decide(detector, observation, started);
        // Costs first: when the Deployment shrinks below, the ReplicaSet removes the emptiest pods.
        deletionCosts.update(detector.getMetadata().getNamespace(), observation.pods());
        context.managedWorkflowAndDependentResourceContext()
                .put(ScoringDeploymentDependent.DESIRED_REPLICAS, decision.desiredReplicas());
        context.managedWorkflowAndDependentResourceContext().put(ScoringDeploymentDependent.IMAGES, settings.images());
        context.managedWorkflowAndDependentResourceContext().put(ScoringDeploymentDependent.PLACEMENT,
                settings.policy().placement(detector.getSpec().getRuntime()).orElseThrow());
        context.managedWorkflowAndDependentResourceContext()
                .put(GatewayRoleBindingDependent.CLUSTER_ROLE, settings.gatewayClusterRole());
        settings.operatorPods().ifPresent(pods -> context.managedWorkflowAndDependentResourceContext()
                .put(NetworkPolicyDependent.OPERATOR_PODS, pods));
        context.managedWorkflowAndDependentResourceContext()
                .put(NetworkPolicyDependent.EGRESS, settings.policy().egress());
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        metrics.decided(decision);
        if (decision.direction() != ScaleDecision.Direction.NONE) {
            events.normal(detector, decision.direction() == ScaleDecision.Direction.UP ? "ScaledUp" : "ScaledDown",
                    decision.reason());
        }

        AnomalyDetectorStatus status = StatusAggregator.aggregate(detector, observation, decision, started);
        reportDegradation(detector, status);
        metrics.reconciled(Duration.between(started, Instant.now()), false);
        UpdateControl<AnomalyDetector> control;
        if (status.equals(detector.getStatus())) {
            control = UpdateControl.noUpdate();
        } else {
            detector.setStatus(status);
            control = UpdateControl.patchStatus(detector);
        }
        return control.rescheduleAfter(settings.pollInterval());
    }

    /**
     * A spec outside the platform policy changes nothing the operator made (a tenant cannot get a pod onto a
     * control-plane node by editing a running detector); the status and one Warning event say which rules it broke.
     */
    private UpdateControl<AnomalyDetector> refuse(AnomalyDetector detector, List<String> violations,
            Instant started) {
        AnomalyDetectorStatus status = StatusAggregator.refused(detector, violations, started);
        reportDegradation(detector, status);
        metrics.reconciled(Duration.between(started, Instant.now()), false);
        if (status.equals(detector.getStatus())) {
            return UpdateControl.noUpdate();
        }
        detector.setStatus(status);
        return UpdateControl.patchStatus(detector);
    }

    /**
     * A failed pass (API unreachable, a conflict that retries did not resolve) is marked Degraded with its cause,
     * and a Warning event when that starts; JOSDK retries with back-off, so a persistent failure never spins.
     */
    @Override
    public ErrorStatusUpdateControl<AnomalyDetector> updateErrorStatus(AnomalyDetector detector,
            Context<AnomalyDetector> context, Exception e) {
        metrics.reconciled(Duration.ZERO, true);
        AnomalyDetectorStatus status = StatusAggregator.failed(detector, e, Instant.now());
        reportDegradation(detector, status);
        detector.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(detector);
    }

    /** The detector is gone: drop its scaling history, so that memory does not grow with every detector ever made. */
    @Override
    public DeleteControl cleanup(AnomalyDetector detector, Context<AnomalyDetector> context) {
        scaler.forget(detector);
        anomalyStarts.forget(detector);
        metrics.forget(detector);
        return DeleteControl.defaultDelete();
    }

    /** One Warning event when Degraded turns True (not on every pass while it stays so), and the gauge on each. */
    private void reportDegradation(AnomalyDetector detector, AnomalyDetectorStatus status) {
        var now = status.getConditions().stream().filter(c -> ConditionType.DEGRADED.equals(c.getType()))
                .findFirst().orElseThrow();
        metrics.degraded(detector, "True".equals(now.getStatus()));
        boolean wasDegraded = detector.getStatus() != null && detector.getStatus().getConditions().stream()
                .anyMatch(c -> ConditionType.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus())
                        && Objects.equals(c.getReason(), now.getReason()));
        if ("True".equals(now.getStatus()) && !wasDegraded) {
            events.warning(detector, now.getReason(), now.getMessage());
        }
    }
}
