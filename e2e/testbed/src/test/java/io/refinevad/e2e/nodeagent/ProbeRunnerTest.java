package io.refinevad.e2e.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in kubelet's gRPC probe asks for the service the probe names, as the kubelet does: the scoring pods'
 * liveness probe names a service of its own, whose status differs from the default one's while a pod drains.
 */
class ProbeRunnerTest {

    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    @BeforeEach
    void serveHealth() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void aGrpcProbeAsksForTheServiceItNames() {
        // A draining scoring server: the default service NOT_SERVING, its liveness service SERVING.
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        health.setStatus("refinevad.v1.Liveness", ServingStatus.SERVING);

        assertThat(probe("refinevad.v1.Liveness")).as("the named service").isTrue();
        assertThat(probe(null)).as("no service: the default one").isFalse();
        assertThat(probe("refinevad.v1.Unknown")).as("a service the server does not know").isFalse();
    }

    private boolean probe(String service) {
        Probe probe = new ProbeBuilder().withNewGrpc().withPort(server.getPort()).withService(service).endGrpc()
                .withTimeoutSeconds(5).build();
        return new ProbeRunner().succeeds(probe, new Container(), "127.0.0.1", Map.of(), new MountTable(),
                Path.of("."));
    }
}
