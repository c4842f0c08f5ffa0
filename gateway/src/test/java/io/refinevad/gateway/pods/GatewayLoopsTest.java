package io.refinevad.gateway.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayLoopsTest {
    private final Vertx vertx = Vertx.vertx();
    private final GatewayLoops loops = new GatewayLoops(vertx);

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void onAVertxLoopItIsThatLoop() throws Exception {
        CompletableFuture<Optional<EventLoop>> seen = new CompletableFuture<>();
        EventLoop loop = vertx.nettyEventLoopGroup().next();
        loop.execute(() -> seen.complete(loops.current()));
        assertEquals(Optional.of(loop), seen.get(10, TimeUnit.SECONDS));
    }

    @Test
    void elsewhereThereIsNone() {
        assertTrue(loops.current().isEmpty());
    }
}
