package io.refinevad.server.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Counts every call that ends with an error, in one place rather than at each place that refuses work. */
@GlobalInterceptor
@ApplicationScoped
public class ErrorStatusCounter implements ServerInterceptor {
    private final ScoringMetrics metrics;

    public ErrorStatusCounter(ScoringMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                        ServerCallHandler<Q, A> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    metrics.rejected(status.getCode());
                }
                super.close(status, trailers);
            }
        }, headers);
    }
}
