package io.refinevad.gateway.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.arc.Unremovable;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.gateway.DaemonScheduler;
import io.refinevad.gateway.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS on the cameras' gRPC port, from refinevad.gateway.tls (docs/GATEWAY.md, "TLS"); plaintext when it names no
 * certificate directory.
 *
 * <p>Why not Quarkus's own TLS: with the gRPC server on its own port (quarkus.grpc.server.use-separate-server, as
 * here and on the scoring pods) Quarkus 3.33 reads quarkus.grpc.server.ssl.* once at start; its TLS registry, which
 * reloads, serves only the gRPC server that shares the HTTP port. So this customizer gives the separate server's
 * Netty builder one TLS context whose key manager (and client trust manager) are swapped when the Secret's files
 * change, read again every reload period: new connections get the new certificate, open streams keep theirs.
 */
@Singleton
@Unremovable
public class EdgeTls implements ServerBuilderCustomizer<VertxServerBuilder> {
    private final Optional<Served> served;
    private final ScheduledExecutorService reloads = DaemonScheduler.named("tls-reload");

    public EdgeTls(GatewayConfig config, Vertx vertx) {
        GatewayConfig.Tls tls = config.tls();
        if (tls.clientCaDir().isPresent() && tls.certDir().isEmpty()) {
            throw new IllegalStateException("refinevad.gateway.tls.client-ca-dir is set but refinevad.gateway.tls."
                    + "cert-dir is not: client certificates are asked for only over TLS");
        }
        this.served = tls.certDir().map(certDir -> new Served(vertx, certDir, tls.clientCaDir(),
                tls.reloadPeriod().toSeconds()));
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        served.ifPresent(tls -> builder.nettyBuilder().sslContext(tls.context));
    }

    void start(@Observes StartupEvent started, GatewayConfig config) {
        long period = config.tls().reloadPeriod().toMillis();
        served.ifPresent(tls -> reloads.scheduleWithFixedDelay(tls::reload, period, period, TimeUnit.MILLISECONDS));
    }

    void stop(@Observes ShutdownEvent stopping) {
        reloads.shutdownNow();
    }

    /** The TLS context the server keeps, and the files whose changes it follows. */
    private static final class Served {
        private final Vertx vertx;
        private final SecretFiles certificate;
        private final Optional<SecretFiles> clientCa;
        private final SwappableKeyManager keyManager;
        private final Optional<SwappableTrustManager> trustManager;
        private final SslContext context;

        Served(Vertx vertx, Path certDir, Optional<Path> clientCaDir, long reloadSeconds) {
            this.vertx = vertx;
            this.certificate = new SecretFiles(certDir, "tls.crt", "tls.key");
            this.clientCa = clientCaDir.map(dir -> new SecretFiles(dir, "ca.crt"));
            try {
                this.keyManager = new SwappableKeyManager(keyManager(certificate.changed().orElseThrow()));
                this.trustManager = clientCa.isEmpty() ? Optional.empty()
                        : Optional.of(new SwappableTrustManager(trustManager(clientCa.get().changed().orElseThrow())));
                SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager))
                        // a resumed session skips the certificates: none outlives a reload by more than one period
                        .sessionTimeout(Math.max(1, reloadSeconds));
                if (trustManager.isPresent()) {
                    builder.trustManager(trustManager.get()).clientAuth(ClientAuth.REQUIRE);
                }
                this.context = builder.build();
            } catch (Exception e) {
                throw new IllegalStateException("TLS on the gRPC port: cannot use " + certificate
                        + clientCa.map(ca -> " and " + ca).orElse("") + ": " + e.getMessage(), e);
            }
            Log.infof("gRPC port serves TLS with %s%s (read again every %d s)", certificate,
                    clientCa.map(ca -> "; clients must present a certificate signed by " + ca).orElse(""),
                    reloadSeconds);
        }

        /** Takes the files' new contents, if they changed and are whole; a bad version is logged and not taken. */
        void reload() {
            try {
                Optional<List<byte[]>> newCertificate = certificate.changed();
                if (newCertificate.isPresent()) {
                    keyManager.swap(keyManager(newCertificate.get()));
                    Log.infof("TLS certificate reloaded from %s", certificate);
                }
                if (clientCa.isPresent() && trustManager.isPresent()) {
                    Optional<List<byte[]>> newCa = clientCa.get().changed();
                    if (newCa.isPresent()) {
                        trustManager.get().swap(trustManager(newCa.get()));
                        Log.infof("client CA reloaded from %s", clientCa.get());
                    }
                }
            } catch (Exception e) {
                Log.warnf("TLS files not reloaded, the previous ones stay in use: %s", e.getMessage());
            }
        }

        private X509ExtendedKeyManager keyManager(List<byte[]> files) throws Exception {
            var manager = PemMaterial.keyManager(vertx, files.get(0), files.get(1));
            certificate.taken(files);
            return manager;
        }

        private X509ExtendedTrustManager trustManager(List<byte[]> files) throws Exception {
            var manager = PemMaterial.trustManager(files.get(0));
            clientCa.orElseThrow().taken(files);
            return manager;
        }
    }
}
