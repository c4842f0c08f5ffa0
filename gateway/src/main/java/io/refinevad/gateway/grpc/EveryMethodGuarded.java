package io.refinevad.gateway.grpc;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.refinevad.api.grpc.MalformedRequestGuard;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The gateway refuses a malformed request as the scoring pods do ({@link MalformedRequestGuard}: INVALID_ARGUMENT
 * "malformed request: ..."), before it could reach a pod: everything a pod refuses, the gateway refuses the same way,
 * and the bytes never parse far enough to be relayed. Left to grpc-java, the parse error escapes the call with
 * another status (MalformedRequests says which) and the stream's relay is not told that its call ended.
 */
@ApplicationScoped
public class EveryMethodGuarded extends MalformedRequestGuard implements ServerBuilderCustomizer<VertxServerBuilder> {

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder().setBinaryLog(this);
    }
}
