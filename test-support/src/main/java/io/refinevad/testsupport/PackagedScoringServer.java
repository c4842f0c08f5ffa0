package io.refinevad.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The packaged inference server as a process on free scoring, admin and HTTP ports, returned once it answers
 * GetModelInfo on the scoring port and GetLoadReport on the admin port.
 * The server's own ITs and the end-to-end suites start it the same way.
 */
public final class PackagedScoringServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final PackagedApp app;
    private final int grpcPort;
    private final int adminPort;
    private final int httpPort;
    private final ManagedChannel channel;
    private final ManagedChannel adminChannel;

    private PackagedScoringServer(PackagedApp app, int grpcPort, int adminPort, int httpPort) {
        this.app = app;
        this.grpcPort = grpcPort;
        this.adminPort = adminPort;
        this.httpPort = httpPort;
        this.channel = ManagedChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        this.adminChannel = ManagedChannelBuilder.forAddress("localhost", adminPort).usePlaintext().build();
    }

    /**
     * @param jar        the server's {@code quarkus-run.jar}
     * @param log        where its output goes
     * @param properties {@code key=value} configuration (refinevad.*, quarkus.*)
     */
    public static PackagedScoringServer start(Path jar, Path log, String... properties)
            throws IOException, InterruptedException {
        int grpcPort = PackagedApp.freePort();
        int adminPort = PackagedApp.freePort();
        int httpPort = PackagedApp.freePort();
        PackagedApp.Builder builder = PackagedApp.builder(jar).log(log)
                .property("quarkus.grpc.server.port", grpcPort)
                .property("refinevad.admin.port", adminPort)
                .property("quarkus.http.port", httpPort);
        for (String property : properties) {
            int equals = property.indexOf('=');
            builder.property(property.substring(0, equals), property.substring(equals + 1));
        }
        PackagedScoringServer server = new PackagedScoringServer(builder.start(), grpcPort, adminPort, httpPort);
        try {
            server.app.awaitReady(STARTUP, () -> {
                ScoringGrpc.newBlockingStub(server.channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance());
                AdminGrpc.newBlockingStub(server.adminChannel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getLoadReport(GetLoadReportRequest.getDefaultInstance());
                return true;
            });
        } catch (AssertionError | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** host:port for a gRPC client. */
    public String target() {
        return "localhost:" + grpcPort;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** The admin plane's port (refinevad.admin.port). */
    public int adminPort() {
        return adminPort;
    }

    /** A channel to the admin plane (refinevad.v1.Admin: load report, drain, undrain). */
    public ManagedChannel adminChannel() {
        return adminChannel;
    }

    public Process process() {
        return app.process();
    }

    public String log() {
        return app.log();
    }

    /** The server's Prometheus exposition (/q/metrics). */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/q/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The value of one series of the server's metrics (see PrometheusText.value). */
    public double metric(String series) throws IOException, InterruptedException {
        return PrometheusText.value(metrics(), series);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        adminChannel.shutdownNow();
        app.close();
    }
}
