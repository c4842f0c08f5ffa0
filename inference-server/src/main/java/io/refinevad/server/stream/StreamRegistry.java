package io.refinevad.server.stream;

import io.grpc.StatusRuntimeException;
import io.refinevad.server.errors.GrpcErrors;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Which streams are open, against the capacity; the load report and the drain read it. */
@Singleton
public class StreamRegistry {
    private final Map<String, StreamSession> active = new ConcurrentHashMap<>();
    private final AtomicLong segmentsScored = new AtomicLong();
    private final AtomicLong answersDropped = new AtomicLong();
    private final StreamLimits limits;
    private volatile boolean draining;

    public StreamRegistry(StreamLimits limits) {
        this.limits = limits;
    }

    synchronized void open(String streamId, StreamSession session) {
        if (draining) {
            throw GrpcErrors.unavailable("this server is draining and takes no new streams; "
                    + "open the stream on another replica");
        }
        if (active.containsKey(streamId)) {
            throw GrpcErrors.alreadyExists("stream '" + streamId + "' is already open on this server");
        }
        if (active.size() >= limits.capacity()) {
            throw capacityExceeded();
        }
        active.put(streamId, session);
    }

    private StatusRuntimeException capacityExceeded() {
        return GrpcErrors.resourceExhausted("this server holds its capacity of " + limits.capacity()
                + " streams (refinevad.streams.capacity); open the stream on another replica");
    }

    void close(String streamId, StreamSession session) {
        active.remove(streamId, session);
    }

    Collection<StreamSession> sessions() {
        return active.values();
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
}
