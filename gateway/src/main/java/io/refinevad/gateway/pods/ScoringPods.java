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
import io.refinevad.api.v1.LoadReport;
import io.refinevad.gateway.DaemonScheduler;
import io.refinevad.gateway.GatewayConfig;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    public ScoringPods(GatewayConfig config, PodDiscovery discovery, GrpcHealthStorage health, MeterRegistry metrics) {
        this.config = config;
        this.discovery = discovery;
        this.health = health;
        this.metrics = metrics;
        Gauge.builder("refinevad_gateway_ready_pods", this, ScoringPods::placeableCount)
                .description("scoring pods that can take a new stream").register(metrics);
    }

    void start(@Observes StartupEvent started) {
        updateHealth();
        discovery.start(this);
        long period = config.pods().loadReportPeriod().toMillis();
        poller.scheduleWithFixedDelay(this::pollAll, period, period, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stopping) {
        discovery.close();
        poller.shutdownNow();
        pods.values().forEach(ScoringPod::close);
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

    /** Whether some pod can take a new stream or request now. */
    public boolean anyPlaceable() {
        return placeableCount() > 0;
    }

    private long placeableCount() {
        return pods.values().stream().filter(ScoringPod::placeable).count();
    }

    private void pollAll() {
        Collection<ScoringPod> known = List.copyOf(pods.values());
        known.forEach(this::poll);
    }

    private void poll(ScoringPod pod) {
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

    private void updateHealth() {
        health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME,
                anyPlaceable() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
}
