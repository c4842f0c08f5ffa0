package io.refinevad.server.grpc;

import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.ServerMethodDefinition;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every method of both ports answers a malformed request with INVALID_ARGUMENT (MalformedRequests): one guard for all,
 * the services Quarkus adds itself included (grpc.health.v1.Health and server reflection, which it registers past
 * every hook that could wrap their definitions: a request that was not protobuf got UNKNOWN "Application error
 * processing RPC" and a stack trace). grpc-java's server hands each method definition to its binary log, just before
 * it starts a call, to be wrapped (the binary log's own use is to read the messages as bytes); this "log" logs
 * nothing and only guards the method. Quarkus's server on the scoring port takes it here; AdminServer sets it on the
 * admin port's.
 */
@ApplicationScoped
public class EveryMethodGuarded extends BinaryLog implements ServerBuilderCustomizer<VertxServerBuilder> {

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder().setBinaryLog(this);
    }

    @Override
    public <Q, A> ServerMethodDefinition<?, ?> wrapMethodDefinition(ServerMethodDefinition<Q, A> method) {
        return MalformedRequests.guarded(method);
    }

    @Override
    public Channel wrapChannel(Channel channel) {
        return channel;  // a server's binary log: the channels of clients are not its business
    }

    @Override
    public void close() {
    }
}
