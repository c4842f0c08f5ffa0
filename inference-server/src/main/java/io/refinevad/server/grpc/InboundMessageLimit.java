package io.refinevad.server.grpc;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.refinevad.server.model.ModelBundle;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The largest request the server reads follows from the clip limit and the served model: a clip of
 * refinevad.clips.max-segments segments of D float32 features, plus room for the message's other fields. gRPC's
 * own default of 4 MiB refused the documented 4096-segment clip of a 512-d model (it capped it near 2047) with
 * RESOURCE_EXHAUSTED; a larger request still gets RESOURCE_EXHAUSTED with both sizes, before it is read. (With
 * quarkus.grpc.server.use-separate-server, Quarkus builds the server with Vert.x's builder.)
 */
@ApplicationScoped
public class InboundMessageLimit implements ServerBuilderCustomizer<VertxServerBuilder> {

    /** Room for what a request carries besides its features: ids, sequence numbers, shapes, tensor names. */
    static final int ENVELOPE_BYTES = 64 * 1024;

    private final int maxBytes;

    public InboundMessageLimit(ClipLimits clips, ModelBundle bundle) {
        this.maxBytes = Math.toIntExact(
                (long) clips.maxSegments() * bundle.manifest().featureDim() * Float.BYTES + ENVELOPE_BYTES);
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.maxInboundMessageSize(maxBytes);
    }
}
