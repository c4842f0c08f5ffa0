package io.refinevad.gateway.pods;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PodChannelsTest {
    private final NioEventLoopGroup loops = new NioEventLoopGroup(2);
    private final PodChannels channels = new PodChannels("localhost", 9000);

    @AfterEach
    void close() {
        channels.close();
        loops.shutdownGracefully();
    }

    @Test
    void eachLoopHasItsOwnConnection() {
        EventLoop first = loops.next();
        EventLoop second = loops.next();
        ManagedChannel onFirst = channels.on(first);
        assertSame(onFirst, channels.on(first));
        assertNotSame(onFirst, channels.on(second));
        assertNotSame(onFirst, channels.shared());
    }

    @Test
    void closedChannelsOpenNoNewConnection() {
        ManagedChannel before = channels.on(loops.next());
        channels.close();
        assertTrue(before.isShutdown());
        assertSame(channels.shared(), channels.on(loops.next()));
        assertTrue(channels.shared().isShutdown());
    }
}
