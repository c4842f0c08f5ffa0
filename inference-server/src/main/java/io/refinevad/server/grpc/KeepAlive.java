package io.refinevad.server.grpc;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 keepalive on the scoring port, so that a peer whose network path died without closing the connection (a
 * camera behind a NAT that dropped its mapping, a pulled cable) is noticed within time + timeout: its calls end as
 * cancelled and release their slots and ids, instead of holding them until the idle timeout. Clients may ping too,
 * as often as every permit-time (grpc-java's default of 5 minutes answers a client that pings every 10 s, such as
 * ours, with GOAWAY "too_many_pings").
 */
@ApplicationScoped
public class KeepAlive implements ServerBuilderCustomizer<VertxServerBuilder> {

    @ConfigMapping(prefix = "refinevad.keepalive")
    public interface Settings {
        /** A connection that has been silent this long is pinged. */
        @WithDefault("10s")
        Duration time();

        /** A ping not acknowledged within this long closes the connection. */
        @WithDefault("5s")
        Duration timeout();

        /** The shortest interval between a client's pings that the server tolerates. */
        @WithDefault("5s")
        Duration permitTime();
    }

    private final Settings settings;

    public KeepAlive(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder()
                .keepAliveTime(settings.time().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(settings.timeout().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(settings.permitTime().toNanos(), TimeUnit.NANOSECONDS);
    }
}
