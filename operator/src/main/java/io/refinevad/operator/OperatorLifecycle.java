package io.refinevad.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.operator.reconciler.OperatorSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts the operator with the application and stops it on shutdown; settings under refinevad.operator.*. */
@ApplicationScoped
public class OperatorLifecycle {

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final Duration pollInterval;
    private final Duration loadReportTimeout;
    private final Optional<String> leaseNamespace;
    private DetectorOperator operator;

    public OperatorLifecycle(KubernetesClient client, MeterRegistry registry,
            @ConfigProperty(name = "refinevad.operator.poll-interval", defaultValue = "5s") Duration pollInterval,
            @ConfigProperty(name = "refinevad.operator.load-report-timeout", defaultValue = "1s")
            Duration loadReportTimeout,
            @ConfigProperty(name = "refinevad.operator.leader-election.namespace") Optional<String> leaseNamespace) {
        this.client = client;
        this.registry = registry;
        this.pollInterval = pollInterval;
        this.loadReportTimeout = loadReportTimeout;
        this.leaseNamespace = leaseNamespace;
    }

    void onStart(@Observes StartupEvent event) {
        Optional<LeaderElectionConfiguration> leaderElection = leaseNamespace
                .map(namespace -> new LeaderElectionConfiguration("refinevad-operator", namespace));
        operator = new DetectorOperator(client, registry, new OperatorSettings(pollInterval, loadReportTimeout),
                leaderElection);
        // JOSDK blocks until its caches sync; off the main thread, health and metrics answer meanwhile.
        Thread starter = new Thread(operator::start, "operator-start");
        starter.setDaemon(true);
        starter.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (operator != null) {
            operator.close();
        }
    }
}
