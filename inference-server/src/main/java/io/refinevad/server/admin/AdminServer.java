package io.refinevad.server.admin;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.server.grpc.AdminEndpoint;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.server.grpc.EveryMethodGuarded;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin plane's own gRPC server: Quarkus's gRPC server listens on one port, the scoring port, so this second one
 * (grpc-java's Netty transport, already on the class path under Quarkus's) serves refinevad.v1.Admin on the admin
 * port, its methods guarded against malformed requests by the same binary log as the scoring port's
 * (EveryMethodGuarded). It starts with the application and stops after the shutdown drain (GracefulShutdown observes
 * the shutdown first), so that the operator can read the load of a pod that is draining for good.
 */
@Singleton
public class AdminServer {
    private final AdminEndpoint endpoint;
    private final AdminGrpcService service;
    private final EveryMethodGuarded guard;
    private Server server;

    public AdminServer(AdminEndpoint endpoint, AdminGrpcService service, EveryMethodGuarded guard) {
        this.endpoint = endpoint;
        this.service = service;
        this.guard = guard;
    }

    void start(@Observes StartupEvent event) {
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(endpoint.host(), endpoint.port()))
                    .addService(AdminGrpc.bindService(service))
                    .setBinaryLog(guard)
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("the admin plane cannot listen on " + endpoint.host() + ":"
                    + endpoint.port() + " (refinevad.admin.host, refinevad.admin.port)", e);
        }
        Log.infof("admin plane (refinevad.v1.Admin) listening on %s:%d", endpoint.host(), endpoint.port());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
