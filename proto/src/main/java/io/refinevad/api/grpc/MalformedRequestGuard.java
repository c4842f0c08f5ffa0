package io.refinevad.api.grpc;

import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.ServerMethodDefinition;

/**
 * Guards every method of a grpc-java server against malformed requests (MalformedRequests: INVALID_ARGUMENT
 * "malformed request: ...", the call ended through its handler's usual path), the services the framework adds itself
 * included (grpc.health.v1.Health, server reflection), which it registers past every hook that could wrap their
 * definitions. grpc-java's server hands each method definition to its binary log, just before it starts a call, to be
 * wrapped (the binary log's own use is to read the messages as bytes); this "log" logs nothing and only guards the
 * method. Set it with {@code ServerBuilder.setBinaryLog}.
 */
public class MalformedRequestGuard extends BinaryLog {

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
