package io.refinevad.gateway.pods;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The gateway's own event loops (Vert.x's): those that serve the cameras' calls. */
@Singleton
public class GatewayLoops {
    private final Vertx vertx;

    public GatewayLoops(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * The event loop running the current thread, if it is one of the gateway's. None with Vert.x's native transport:
     * {@link PodChannels} makes NIO connections, which only a NIO loop can serve.
     */
    public Optional<EventLoop> current() {
        if (vertx.isNativeTransportEnabled()) {
            return Optional.empty();
        }
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            if (loop.inEventLoop()) {
                return Optional.of((EventLoop) loop);
            }
        }
        return Optional.empty();
    }
}
