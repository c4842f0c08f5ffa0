package io.refinevad.gateway;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.refinevad.testsupport.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * The packaged gateway (target/quarkus-app, as its image runs it) as a process on free ports, its pods a static list,
 * with a plaintext channel to its gRPC port. Closing it closes the channel and stops the process (SIGTERM).
 */
record PackagedGateway(PackagedApp app, int httpPort, ManagedChannel channel) implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** {@code pods}: refinevad.gateway.pods.static; {@code settings}: other properties (refinevad.*, quarkus.*). */
    static PackagedGateway start(String pods, String log, Map<String, String> settings) throws IOException {
        int grpcPort = PackagedApp.freePort();
        int httpPort = PackagedApp.freePort();
        PackagedApp.Builder builder = PackagedApp.builder(Golden.REPOSITORY.resolve(
                        "gateway/target/quarkus-app/quarkus-run.jar"))
                .log(Path.of("target", log).toAbsolutePath())
                .property("quarkus.grpc.server.port", grpcPort)
                .property("quarkus.http.port", httpPort)
                .property("refinevad.gateway.pods.static", pods);
        settings.forEach(builder::property);
        return new PackagedGateway(builder.start(), httpPort,
                ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build());
    }

    /** The status of its HTTP readiness probe, /q/health/ready, and what it said. */
    HttpResponse<String> readiness() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        app.close();
    }
}
