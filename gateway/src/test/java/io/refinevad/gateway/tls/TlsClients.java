package io.refinevad.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.refinevad.api.oip.GRPCInferenceServiceGrpc;
import io.refinevad.api.oip.ServerLiveRequest;
import io.refinevad.testsupport.Certificates;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/** Cameras calling the gateway under test (gRPC test port 9011) over TLS, each on a new connection. */
final class TlsClients {
    private static final int GATEWAY_PORT = 9011;

    private TlsClients() {
    }

    /** Where TlsSecrets wrote the files of the gateway under test. */
    static Path dir() {
        return Path.of(ConfigProvider.getConfig().getValue(TlsSecrets.DIR, String.class));
    }

    /** A TLS connection trusting {@code ca}, presenting {@code identity} if given. */
    static Supplier<ManagedChannel> tls(Path ca, Optional<Certificates.Issued> identity) {
        return () -> {
            try {
                SslContextBuilder context = GrpcSslContexts.forClient().trustManager(ca.toFile());
                identity.ifPresent(id -> context.keyManager(id.certificate().toFile(), id.key().toFile()));
                return NettyChannelBuilder.forAddress("localhost", GATEWAY_PORT).sslContext(context.build()).build();
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static Supplier<ManagedChannel> plaintext() {
        return () -> ManagedChannelBuilder.forAddress("localhost", GATEWAY_PORT).usePlaintext().build();
    }

    /** The gateway answers its own ServerLive on a new connection (a failed call fails as an assertion). */
    static void answers(Supplier<ManagedChannel> connection) {
        ManagedChannel channel = connection.get();
        try {
            assertTrue(GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        } catch (StatusRuntimeException failed) {
            fail("not answered: " + failed.getStatus());
        } finally {
            channel.shutdownNow();
        }
    }

    /** A new connection gets no answer: the call fails UNAVAILABLE (the handshake or the connection failed). */
    static void refused(Supplier<ManagedChannel> connection) {
        ManagedChannel channel = connection.get();
        try {
            StatusRuntimeException failed = assertThrows(StatusRuntimeException.class, () -> GRPCInferenceServiceGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverLive(ServerLiveRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, failed.getStatus().getCode(), failed.getStatus().toString());
        } finally {
            channel.shutdownNow();
        }
    }
}
