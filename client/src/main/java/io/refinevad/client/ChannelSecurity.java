package io.refinevad.client;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * How the client's connections are secured: plaintext (a server on this machine, the local demo), or TLS to a
 * detector's gateway that serves it (spec.gateway.tls), trusting the JVM's roots or a given CA, and presenting a
 * client certificate when the gateway asks for one (mTLS: spec.gateway.tls.clientCaSecretName).
 *
 * @param tls         whether to speak TLS at all
 * @param trustedCa   PEM certificates the server's chain must lead to; empty: the JVM's trusted roots
 * @param certificate the client's PEM certificate chain and its PEM (PKCS#8) private key, for mTLS
 */
public record ChannelSecurity(boolean tls, Optional<Path> trustedCa, Optional<KeyPair> certificate) {

    /** A client certificate chain and its private key, both PEM files. */
    public record KeyPair(Path chain, Path key) {
    }

    private static final String PKCS8_HEADER = "-----BEGIN PRIVATE KEY-----";

    public static final ChannelSecurity PLAINTEXT = new ChannelSecurity(false, Optional.empty(), Optional.empty());

    public ChannelSecurity {
        if (!tls && (trustedCa.isPresent() || certificate.isPresent())) {
            throw new IllegalArgumentException("a CA or a client certificate needs TLS");
        }
        trustedCa.ifPresent(ChannelSecurity::requireCertificates);
        certificate.ifPresent(pair -> {
            requireCertificates(pair.chain());
            requirePkcs8Key(pair.key());
        });
    }

    /**
     * From the command line's options: any of them turns TLS on; a certificate needs its key and the other way round.
     * Null means not given.
     */
    public static ChannelSecurity fromOptions(boolean tls, String ca, String certificate, String key) {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both (PEM files), or neither");
        }
        return new ChannelSecurity(tls || ca != null || certificate != null, Optional.ofNullable(ca).map(Path::of),
                Optional.ofNullable(certificate).map(chain -> new KeyPair(Path.of(chain), Path.of(key))));
    }

    ChannelCredentials credentials() {
        if (!tls) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            if (trustedCa.isPresent()) {
                builder.trustManager(trustedCa.get().toFile());
            }
            if (certificate.isPresent()) {
                builder.keyManager(certificate.get().chain().toFile(), certificate.get().key().toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new IllegalArgumentException("the TLS files could not be read (" + describe() + "): "
                    + e.getMessage(), e);
        }
    }

    /** What a person is told about the connection: never a key's contents, only where it came from. */
    String describe() {
        if (!tls) {
            return "plaintext";
        }
        return "TLS, trusting " + trustedCa.map(Path::toString).orElse("the JVM's roots")
                + certificate.map(pair -> ", client certificate " + pair.chain()).orElse("");
    }

    /** Checked here, not at the first call: gRPC reads the files only when it connects, and says less. */
    private static void requireCertificates(Path file) {
        requireReadable(file);
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** gRPC's TLS takes PKCS#8 keys only; cert-manager and openssl genrsa may write PKCS#1 ones. */
    private static void requirePkcs8Key(Path file) {
        requireReadable(file);
        try {
            if (!Files.readString(file).contains(PKCS8_HEADER)) {
                throw new IllegalArgumentException(file + " is not a PKCS#8 PEM private key (" + PKCS8_HEADER
                        + "); convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out client.pk8");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " could not be read: " + e.getMessage(), e);
        }
    }

    private static void requireReadable(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(file + " is not a readable file");
        }
    }
}
