package io.refinevad.gateway.stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.gateway.GatewayConfig;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's stream limit (refinevad.gateway.streams.limit): a slot per open camera stream. */
@Singleton
public class StreamSlots {
    private final int limit;
    private final AtomicInteger taken = new AtomicInteger();

    public StreamSlots(GatewayConfig config) {
        this.limit = config.streams().limit();
    }

    /** Takes a slot, or throws RESOURCE_EXHAUSTED saying the limit. */
    void take() {
        if (taken.incrementAndGet() > limit) {
            taken.decrementAndGet();
            throw new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withDescription("this gateway holds at most "
                    + limit + " streams (refinevad.gateway.streams.limit) and all are open; open the stream on "
                    + "another gateway replica or later"));
        }
    }

    void release() {
        taken.decrementAndGet();
    }

    public int taken() {
        return taken.get();
    }
}
