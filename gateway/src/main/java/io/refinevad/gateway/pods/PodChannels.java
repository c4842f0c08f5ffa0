package io.refinevad.gateway.pods;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's connections to one port of a pod: one shared, on gRPC's own event loops, and one per gateway event
 * loop that streams were opened from (made on first use). A stream's call on the connection of its camera's event
 * loop is served by that one thread both ways: the camera's message is written to the pod, and the pod's answer to
 * the camera, from the thread that has it, and flushed together with the others of that loop's turn; through the
 * shared connection each message and each answer wakes another thread (the profile of the relay: about a third of
 * its CPU was threads waking and sleeping).
 */
final class PodChannels {
    private final String host;
    private final int port;
    private final ManagedChannel shared;
    private final Map<EventLoop, ManagedChannel> onLoops = new ConcurrentHashMap<>();
    private boolean closed;

    PodChannels(String host, int port) {
        this.host = host;
        this.port = port;
        this.shared = configured(NettyChannelBuilder.forAddress(host, port));
    }

    ManagedChannel shared() {
        return shared;
    }

    /** The connection served by {@code loop} (a NIO loop); the shared one once closed, whose calls fail at once. */
    ManagedChannel on(EventLoop loop) {
        ManagedChannel channel = onLoops.get(loop);
        return channel != null ? channel : made(loop);
    }

    private synchronized ManagedChannel made(EventLoop loop) {
        if (closed) {
            return shared;
        }
        return onLoops.computeIfAbsent(loop, own -> configured(NettyChannelBuilder.forAddress(host, port)
                .eventLoopGroup(own).channelType(NioSocketChannel.class)));
    }

    /**
     * Pings a silent connection as the pods' keepalive permits (every 5 s at most), so a dead path is found. The
     * pods' answers are handled on the connection's own event loop (directExecutor): what the gateway does with an
     * answer never blocks (it relays it, or counts a load report), and handing each answer to another thread first
     * cost a thread wake-up per segment.
     */
    private static ManagedChannel configured(NettyChannelBuilder builder) {
        return builder.usePlaintext().directExecutor().keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS).build();
    }

    synchronized void close() {
        closed = true;
        shared.shutdownNow();
        onLoops.values().forEach(ManagedChannel::shutdownNow);
    }
}
