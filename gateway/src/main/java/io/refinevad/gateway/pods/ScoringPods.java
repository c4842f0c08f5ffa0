package io.refinevad.gateway.pods;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ModelInfo;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.gateway.DaemonScheduler;
import io.refinevad.gateway.GatewayConfig;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The detector's scoring pods as discovery reports them, with their load read from each pod's admin port every
 * period. Chooses the pod of a new stream (by {@link Placement}) and of each unary request (in turn). The gateway is
 * ready (gRPC health SERVING) while some pod can take a stream.
 */
@Singleton
public class ScoringPods implements PodListener {
    private final Map<Pod, ScoringPod> pods = new ConcurrentHashMap<>();
    private final Map<Pod, Gauge> podGauges = new ConcurrentHashMap<>();
    private final AtomicInteger nextForRequest = new AtomicInteger();
    private final ScheduledExecutorService poller = DaemonScheduler.named("load-reports");
    private final GatewayConfig config;
    private final PodDiscovery discovery;
    private final GrpcHealthStorage health;
    private final MeterRegistry metrics;
    private final Gauge readyPods;

    public ScoringPods(GatewayConfig config, PodDiscovery discovery, GrpcHealthStorage health, MeterRegistry metrics) {
        this.config = config;
        this.discovery = discovery;
        this.health = health;
        this.metrics = metrics;
        readyPods = Gauge.builder("refinevad_gateway_ready_pods", this, ScoringPods::placeableCount)
                .description("scoring pods that can take a new stream").register(metrics);
    }

    void start(@Observes StartupEvent started) {
        updateHealth();
        discovery.start(this);
        long period = config.pods().loadReportPeriod().toMillis();
        poller.scheduleWithFixedDelay(this::pollAll, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Also takes this bean's gauges out of the registry: it may outlive the application (Quarkus keeps the global
     * composite registry across a restart in one JVM), and a gauge registered again under the same name would be
     * the old one, reading this object weakly and so answering NaN once it is collected.
     */
    void stop(@Observes ShutdownEvent stopping) {
        discovery.close();
        poller.shutdownNow();
        pods.values().forEach(ScoringPod::close);
        metrics.remove(readyPods);
        podGauges.values().forEach(metrics::remove);
    }

    @Override
    public void ready(Pod pod) {
        ScoringPod known = pods.computeIfAbsent(pod, this::added);
        known.ready(true);
        poller.execute(() -> poll(known));  // its load now, not a period later
    }

    @Override
    public void notReady(Pod pod) {
        Optional.ofNullable(pods.get(pod)).ifPresent(known -> known.ready(false));
        updateHealth();
    }

    @Override
    public void removed(Pod pod) {
        ScoringPod gone = pods.remove(pod);
        if (gone != null) {
            Optional.ofNullable(podGauges.remove(pod)).ifPresent(metrics::remove);
            gone.close();  // its streams' calls fail and they move
            Log.infof("scoring pod %s removed", pod);
        }
        updateHealth();
    }

    private ScoringPod added(Pod pod) {
        ScoringPod added = new ScoringPod(pod);
        podGauges.put(pod, Gauge.builder("refinevad_gateway_pod_streams", added, ScoringPod::streams)
                .description("streams on a scoring pod as the gateway counts them: its last load report plus the "
                        + "streams placed on it since").tag("pod", pod.toString()).register(metrics));
        Log.infof("scoring pod %s added (admin port %d)", pod, pod.adminPort());
        return added;
    }

    /**
     * Chooses the pod for a new stream, avoiding {@code avoid} (pods that just refused it), and counts the stream
     * on it until its next load report does.
     */
    public synchronized Optional<ScoringPod> placeStream(Set<Pod> avoid) {
        List<Placement.PodLoad> loads = pods.values().stream()
                .filter(pod -> pod.placeable() && !avoid.contains(pod.pod())).map(ScoringPod::load).toList();
        Optional<ScoringPod> chosen = Placement.leastLoaded(loads).map(pods::get);
        chosen.ifPresent(ScoringPod::placedOne);
        return chosen;
    }

    /** The loads of the pods that can take a new stream now, for rebalancing. */
    public List<Placement.PodLoad> placeableLoads() {
        return pods.values().stream().filter(ScoringPod::placeable).map(ScoringPod::load).toList();
    }

    /** The pod, while it can take a new stream. */
    public Optional<ScoringPod> placeable(Pod pod) {
        return Optional.ofNullable(pods.get(pod)).filter(ScoringPod::placeable);
    }

    /** Places a moving stream on {@code pod} if it can still take one, and counts it there. */
    public synchronized boolean placeOn(ScoringPod pod) {
        if (pods.get(pod.pod()) != pod || !pod.placeable()) {
            return false;
        }
        pod.placedOne();
        return true;
    }

    /** A stream was moved off {@code pod} by the gateway: no longer counted there until its next report. */
    public void movedAway(Pod pod) {
        Optional.ofNullable(pods.get(pod)).ifPresent(ScoringPod::movedAway);
    }

    /** The next placeable pod in turn, for one unary request, other than {@code avoid}. */
    public Optional<ScoringPod> forRequest(Set<Pod> avoid) {
        List<ScoringPod> candidates = pods.values().stream()
                .filter(pod -> pod.placeable() && !avoid.contains(pod.pod())).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(candidates.get(Math.floorMod(nextForRequest.getAndIncrement(), candidates.size())));
    }

    /** A stream saw the pod hand it back or fail: no new streams for it until its next report. */
    public void suspect(ScoringPod pod) {
        pod.suspect();
        updateHealth();
    }

    /** What a call is told when no pod can take it. */
    public Status noReadyPod() {
        return Status.UNAVAILABLE.withDescription("no ready scoring pod for detector " + config.detector());
    }

    /**
     * NOT_FOUND when a call names a model ({@code name}, and {@code version} unless empty) that none of the pods known
     * to serve a model serves, saying what they serve; empty when it is served, when it names none (the served one),
     * or when no pod's model is known yet (the call then finds no ready pod, and is told that instead).
     */
    public Optional<Status> notServed(String name, String version) {
        List<ModelInfo> served = pods.values().stream().flatMap(pod -> pod.model().stream()).toList();
        if (name.isEmpty() || served.isEmpty() || served.stream().anyMatch(model -> model.getName().equals(name)
                && (version.isEmpty() || model.getVersion().equals(version)))) {
            return Optional.empty();
        }
        Set<String> models = new TreeSet<>();
        served.forEach(model -> models.add("'" + model.getName() + "' version '" + model.getVersion() + "'"));
        return Optional.of(Status.NOT_FOUND.withDescription("model '" + name + "'" + (version.isEmpty() ? ""
                : " version '" + version + "'") + " is not served by detector " + config.detector() + "; its "
                + "scoring pods serve " + String.join(", ", models) + " (leave the model empty for the served one)"));
    }

    /** Whether some pod can take a new stream or request now. */
    public boolean anyPlaceable() {
        return placeableCount() > 0;
    }

    /** Whether some pod that discovery calls ready is still being asked its model or first load report. */
    public boolean anyLearning() {
        return pods.values().stream().anyMatch(ScoringPod::learning);
    }

    private long placeableCount() {
        return pods.values().stream().filter(ScoringPod::placeable).count();
    }

    private void pollAll() {
        Collection<ScoringPod> known = List.copyOf(pods.values());
        known.forEach(this::poll);
    }

    private void poll(ScoringPod pod) {
        if (pod.model().isEmpty()) {
            askModel(pod);
        }
        long placedBefore = pod.placedSoFar();
        long askedAt = System.nanoTime();
        AdminGrpc.newStub(pod.adminChannel())
                .withDeadlineAfter(config.pods().loadReportPeriod().toMillis(), TimeUnit.MILLISECONDS)
                .getLoadReport(GetLoadReportRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(LoadReport report) {
                        pod.reported(report, placedBefore, askedAt);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        pod.reportFailed();
                        updateHealth();
                    }

                    @Override
                    public void onCompleted() {
                        updateHealth();
                    }
                });
    }

    /** Asks a pod what it serves, until it has answered once; the pod takes no stream before. */
    private void askModel(ScoringPod pod) {
        ScoringGrpc.newStub(pod.channel())
                .withDeadlineAfter(config.pods().loadReportPeriod().toMillis(), TimeUnit.MILLISECONDS)
                .getModelInfo(GetModelInfoRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(ModelInfo model) {
                        pod.served(model);
                        updateHealth();
                    }

                    @Override
                    public void onError(Throwable failure) {
                        // asked again with its next load report
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    private void updateHealth() {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME,
                anyPlaceable() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
}
