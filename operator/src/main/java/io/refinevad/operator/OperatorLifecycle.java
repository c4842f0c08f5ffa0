package io.refinevad.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.operator.dependent.OperatorPods;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.policy.DetectorPolicy;
import io.refinevad.operator.policy.PolicySettings;
import io.refinevad.operator.reconciler.OperatorSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the operator with the application and stops it on shutdown; settings under refinevad.operator.*, whose
 * defaults live in application.properties only (OperatorDefaultsTest holds the chart and the docs to them).
 */
@ApplicationScoped
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final Duration pollInterval;
    private final Duration loadReportTimeout;
    private final Optional<String> leaseNamespace;
    private final Optional<OperatorPods> operatorPods;
    private final ProductImages images;
    private final String gatewayClusterRole;
    private final DetectorPolicy policy;
    private final WatchedNamespaces watchedNamespaces;
    private volatile OperatorRun run;

    public OperatorLifecycle(KubernetesClient client, MeterRegistry registry,
            @ConfigProperty(name = "refinevad.operator.poll-interval") Duration pollInterval,
            @ConfigProperty(name = "refinevad.operator.load-report-timeout") Duration loadReportTimeout,
            @ConfigProperty(name = "refinevad.operator.leader-election.namespace") Optional<String> leaseNamespace,
            @ConfigProperty(name = "refinevad.operator.pods.namespace") Optional<String> podsNamespace,
            @ConfigProperty(name = "refinevad.operator.pods.labels") Optional<String> podsLabels,
            @ConfigProperty(name = "refinevad.operator.images.registry") Optional<String> imageRegistry,
            @ConfigProperty(name = "refinevad.operator.images.digests") Optional<List<String>> imageDigests,
            @ConfigProperty(name = "refinevad.operator.gateway-cluster-role") String gatewayClusterRole,
            PolicySettings policySettings,
            @ConfigProperty(name = "refinevad.operator.watch-namespaces") Optional<List<String>> watchNamespaces) {
        this.client = client;
        this.registry = registry;
        this.pollInterval = pollInterval;
        this.loadReportTimeout = loadReportTimeout;
        this.leaseNamespace = leaseNamespace;
        this.operatorPods = OperatorPods.of(podsNamespace, podsLabels);
        // Unset: the registry this operator was built to name (the images' one source is the build, not a default
        // repeated in application.properties).
        this.images = imageRegistry.map(ProductImages::new).orElse(ProductImages.AS_BUILT)
                .pinnedTo(imageDigests.orElse(List.of()));
        this.gatewayClusterRole = gatewayClusterRole;
        this.policy = DetectorPolicies.from(policySettings, images);
        this.watchedNamespaces = WatchedNamespaces.of(watchNamespaces);
    }

    void onStart(@Observes StartupEvent event) {
        if (operatorPods.isEmpty()) {
            LOG.warn("refinevad.operator.pods.namespace and .labels are unset (the operator does not run as the"
                    + " Helm chart's pod): the detectors' NetworkPolicies admit nobody to the scoring pods' admin"
                    + " port, so where the network enforces them this operator cannot read load reports or drain"
                    + " pods. Set both, or spec.networkPolicy.enabled: false.");
        }
        LOG.infof("watching AnomalyDetectors in %s", watchedNamespaces);
        LOG.infof("platform policy: %s", policy);
        LOG.infof("images: %s (scoring pods that name no image of their own), %s (model fetch), %s (gateway);"
                + " gateways bound to ClusterRole %s", images.inferenceServer(), images.modelFetcher(),
                images.gateway(), gatewayClusterRole);
        Optional<LeaderElectionConfiguration> leaderElection = leaseNamespace
                .map(namespace -> new LeaderElectionConfiguration("refinevad-operator", namespace));
        run = OperatorRun.startInBackground(new DetectorOperator(client, registry,
                new OperatorSettings(pollInterval, loadReportTimeout, operatorPods, images, gatewayClusterRole, policy),
                leaderElection, watchedNamespaces));
    }

    /** The operator's run, once the application has started it (for the health checks). */
    public Optional<OperatorRun> run() {
        return Optional.ofNullable(run);
    }

    /**
     * Stops the operator, releasing the leader lease so that the other replica takes over at once. With leader
     * election, stopping can end in JOSDK's "stopped leading, exiting" path, which calls System.exit; inside a
     * shutdown hook that call never returns, so the stop runs on its own daemon thread and the hook waits for it
     * only so long.
     */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        OperatorRun running = run;
        if (running == null) {
            return;
        }
        Thread stopper = new Thread(running::stop, "operator-stop");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(STOP_TIMEOUT.toMillis());
    }
}
