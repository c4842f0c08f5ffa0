package io.refinevad.server.grpc;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.refinevad.api.grpc.MalformedRequestGuard;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every method of both ports answers a malformed request with INVALID_ARGUMENT ({@link MalformedRequestGuard}): one
 * guard for all. Quarkus's server on the scoring port takes it here; AdminServer sets it on the admin port's.
 */
@ApplicationScoped
public class EveryMethodGuarded extends MalformedRequestGuard implements ServerBuilderCustomizer<VertxServerBuilder> {

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder().setBinaryLog(this);
    }
}
