package io.refinevad.gateway.pods;

import io.grpc.ManagedChannel;
import io.netty.channel.EventLoop;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ModelInfo;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's view of one scoring pod: its channels, whether discovery calls it Ready, its last load report and
 * the streams placed on it since that report was asked for.
 */
public final class ScoringPod {
    private final Pod pod;
    private final PodChannels scoring;
    private final PodChannels admin;
    private final AtomicLong placed = new AtomicLong();
    private volatile boolean ready;
    private volatile LoadReport report;
    /** What it serves, asked once (GetModelInfo): a pod's model does not change, a new model comes with new pods. */
    private volatile ModelInfo model;
    private volatile long placedBeforeReport;
    private volatile boolean reportFailed;
    /** When a stream saw this pod hand it back or fail (0: never since the last report): no new streams until then. */
    private volatile long suspectSince;

    ScoringPod(Pod pod) {
        this.pod = pod;
        this.scoring = new PodChannels(pod.host(), pod.port());
        this.admin = new PodChannels(pod.host(), pod.adminPort());
    }

    public Pod pod() {
        return pod;
    }

    /** The scoring port: refinevad.v1.Scoring. */
    public ManagedChannel channel() {
        return scoring.shared();
    }

    /**
     * The scoring port for a stream whose camera's calls run on {@code cameraLoop}: the connection that loop serves
     * (PodChannels), or the shared one for a stream opened elsewhere.
     */
    public ManagedChannel streamChannel(Optional<EventLoop> cameraLoop) {
        return cameraLoop.map(scoring::on).orElseGet(scoring::shared);
    }

    ManagedChannel adminChannel() {
        return admin.shared();
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    /** Read just before asking for a report: the placements up to here are in it, those after are not. */
    long placedSoFar() {
        return placed.get();
    }

    void reported(LoadReport report, long placedBefore, long askedAt) {
        this.report = report;
        this.placedBeforeReport = placedBefore;
        this.reportFailed = false;
        if (askedAt - suspectSince > 0) {
            suspectSince = 0;  // asked after the stream's trouble: the report says how the pod is now
        }
    }

    Optional<ModelInfo> model() {
        return Optional.ofNullable(model);
    }

    void served(ModelInfo model) {
        this.model = model;
    }

    void reportFailed() {
        reportFailed = true;
    }

    /** A stream saw this pod hand it back or fail: until a later report says otherwise, it takes no new streams. */
    void suspect() {
        suspectSince = System.nanoTime() | 1;  // never 0, which means none
    }

    void placedOne() {
        placed.incrementAndGet();
    }

    /** The gateway moved a stream off this pod (rebalancing): counted as gone until its next report. */
    void movedAway() {
        placed.decrementAndGet();
    }

    /** Ready, its load and model known, not draining, and nothing since its report says otherwise. */
    boolean placeable() {
        LoadReport last = report;
        return ready && last != null && model != null && !last.getDraining() && !reportFailed && suspectSince == 0;
    }

    /**
     * Ready by discovery and reachable so far, but its model or its first load report is still being asked for: a
     * new stream may wait for it rather than be told there is no pod (the moment after the gateway or the pod
     * started).
     */
    boolean learning() {
        return ready && !reportFailed && (report == null || model == null);
    }

    /** Its last report's streams plus the streams placed on it since that report was asked for. */
    public long streams() {
        LoadReport last = report;
        return (last == null ? 0 : last.getActiveStreams()) + placed.get() - placedBeforeReport;
    }

    Placement.PodLoad load() {
        LoadReport last = report;
        return new Placement.PodLoad(pod, streams(), last == null ? 0 : last.getStreamCapacity());
    }

    void close() {
        scoring.close();
        admin.close();
    }
}
