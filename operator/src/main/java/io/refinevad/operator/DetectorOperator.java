package io.refinevad.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.refinevad.operator.dependent.DetectorResources;
import io.refinevad.operator.load.DetectorObserver;
import io.refinevad.operator.load.PodAnomalyStarts;
import io.refinevad.operator.load.PodDeletionCosts;
import io.refinevad.operator.load.PodLoadProbe;
import io.refinevad.operator.load.PodUndrainer;
import io.refinevad.operator.reconciler.AnomalyDetectorReconciler;
import io.refinevad.operator.reconciler.AnomalyStartEvents;
import io.refinevad.operator.reconciler.DetectorEvents;
import io.refinevad.operator.reconciler.DetectorScaler;
import io.refinevad.operator.reconciler.OperatorMetrics;
import io.refinevad.operator.reconciler.OperatorSettings;
import io.refinevad.operator.reconciler.UnaskedDrainReversal;
import java.time.Instant;
import java.util.Optional;

/**
 * The Java Operator SDK operator with the AnomalyDetector reconciler, built from a client and settings. Quarkus
 * starts it in the product ({@link OperatorLifecycle}); tests start it the same way against the local cluster.
 */
public final class DetectorOperator implements AutoCloseable {

    private final Operator operator;

    /** An operator that watches every namespace (tests, and a run outside the chart with nothing set). */
    public DetectorOperator(KubernetesClient client, MeterRegistry registry, OperatorSettings settings,
            Optional<LeaderElectionConfiguration> leaderElection) {
        this(client, registry, settings, leaderElection, WatchedNamespaces.ALL);
    }

    public DetectorOperator(KubernetesClient client, MeterRegistry registry, OperatorSettings settings,
            Optional<LeaderElectionConfiguration> leaderElection, WatchedNamespaces namespaces) {
        operator = new Operator(overrider -> {
            overrider.withKubernetesClient(client).withCloseClientOnStop(false);
            leaderElection.ifPresent(overrider::withLeaderElectionConfiguration);
        });
        DetectorScaler scaler = new DetectorScaler();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.watchScalingHistories(scaler);
        DetectorEvents events = new DetectorEvents(client);
        // The admin plane, dialled at each pod's address: no Service exposes it.
        operator.register(new AnomalyDetectorReconciler(
                new DetectorObserver(client,
                        new PodLoadProbe(DetectorResources.ADMIN_PORT, settings.loadReportTimeout())),
                scaler,
                new UnaskedDrainReversal(new PodUndrainer(DetectorResources.ADMIN_PORT,
                        settings.loadReportTimeout()), client, events, metrics),
                new PodDeletionCosts(client),
                events,
                new AnomalyStartEvents(new PodAnomalyStarts(DetectorResources.ADMIN_PORT,
                        settings.loadReportTimeout(), Instant.now()), events, metrics),
                metrics,
                settings), namespaces::applyTo);
    }

    /** Blocks until the informers have synced; throws if one cannot list (CRD missing, RBAC denied). */
    public void start() {
        operator.start();
    }

    /** JOSDK's view: started or not, and the health of each informer. */
    public RuntimeInfo runtimeInfo() {
        return operator.getRuntimeInfo();
    }

    @Override
    public void close() {
        operator.stop();
    }
}
