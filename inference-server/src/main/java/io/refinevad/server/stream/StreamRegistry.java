package io.refinevad.server.stream;

import io.grpc.StatusRuntimeException;
import io.refinevad.server.errors.GrpcErrors;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which StreamScores calls are open, opened streams by id against the capacity; the load report, the idle reaper
 * and the drain read it. A call is here from the moment gRPC starts it until its session ends.
 */
@Singleton
public class StreamRegistry {
    private final Set<StreamSession> calls = ConcurrentHashMap.newKeySet();
    private final Map<String, StreamSession> active = new ConcurrentHashMap<>();
    private final AtomicLong segmentsScored = new AtomicLong();
    private final AtomicLong answersDropped = new AtomicLong();
    private final StreamLimits limits;
    private volatile boolean draining;

    public StreamRegistry(StreamLimits limits) {
        this.limits = limits;
    }

    void started(StreamSession session) {
        calls.add(session);
    }

    /**
     * Opens `streamId` for `session`. If the id is open here and `resumeToken` is its session's, `session` takes that
     * session over, resuming at `firstSequence`: the takeover is returned. Null for a new stream.
     */
    synchronized Takeover open(String streamId, String resumeToken, long firstSequence, StreamSession session) {
        if (draining) {
            throw drainingRefusal();
        }
        StreamSession open = active.get(streamId);
        if (open != null) {
            if (!open.resumableWith(resumeToken)) {
                throw GrpcErrors.alreadyExists("stream '" + streamId + "' is already open on this server"
                        + (resumeToken.isEmpty() ? "" : " and open.resume_token is not its token")
                        + "; to take it over from a new call, send the resume_token of its StreamOpened in "
                        + "open.resume_token");
            }
            Takeover takeover = open.handOver(session, firstSequence);
            if (takeover != null) {
                active.put(streamId, session);
                return takeover;
            }
        }
        if (active.size() >= limits.capacity() && !active.containsKey(streamId)) {
            throw capacityExceeded();
        }
        active.put(streamId, session);
        return null;
    }

    static StatusRuntimeException drainingRefusal() {
        return GrpcErrors.unavailable("this server is draining and takes no new streams; "
                + "open the stream on another replica");
    }

    private StatusRuntimeException capacityExceeded() {
        return GrpcErrors.resourceExhausted("this server holds its capacity of " + limits.capacity()
                + " streams (refinevad.streams.capacity); open the stream on another replica");
    }

    /** The session's call is over: its id (null if it never opened) and its place are free again. */
    void ended(StreamSession session, String streamId) {
        if (streamId != null) {
            active.remove(streamId, session);
        }
        calls.remove(session);
    }

    /** Every StreamScores call in progress, opened or not. */
    Collection<StreamSession> calls() {
        return calls;
    }

    void scored() {
        segmentsScored.incrementAndGet();
    }

    /** Answers scored for a stream whose client had gone away, so never delivered. */
    void answersDropped(int count) {
        answersDropped.addAndGet(count);
    }

    public long answersDropped() {
        return answersDropped.get();
    }

    public int activeStreams() {
        return active.size();
    }

    /** Calls that have not sent their OpenStream yet: not streams yet, and not counted against the capacity. */
    public int callsAwaitingOpen() {
        return (int) calls.stream().filter(StreamSession::awaitingOpen).count();
    }

    /** Every StreamScores call in progress, opened or not: what a drain waits for. */
    public int openCalls() {
        return calls.size();
    }

    public int capacity() {
        return limits.capacity();
    }

    public long segmentsScored() {
        return segmentsScored.get();
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    /** Undrain: new streams are accepted again. */
    void stopDraining() {
        draining = false;
    }
}
