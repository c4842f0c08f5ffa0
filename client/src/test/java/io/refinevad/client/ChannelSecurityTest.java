package io.refinevad.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelSecurityTest {

    @TempDir
    Path dir;

    @Test
    void withoutOptionsTheClientSpeaksPlaintext() {
        ChannelSecurity security = ChannelSecurity.fromOptions(false, null, null, null);
        assertEquals(ChannelSecurity.PLAINTEXT, security);
        assertInstanceOf(InsecureChannelCredentials.class, security.credentials());
        assertEquals("plaintext", security.describe());
    }

    @Test
    void tlsAloneTrustsTheJvmRoots() {
        ChannelSecurity security = ChannelSecurity.fromOptions(true, null, null, null);
        assertInstanceOf(TlsChannelCredentials.class, security.credentials());
        assertEquals("TLS, trusting the JVM's roots", security.describe());
    }

    @Test
    void aCaImpliesTls() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), TestCertificate.PEM);
        ChannelSecurity security = ChannelSecurity.fromOptions(false, ca.toString(), null, null);
        assertTrue(security.tls());
        assertInstanceOf(TlsChannelCredentials.class, security.credentials());
        assertEquals("TLS, trusting " + ca, security.describe());
    }

    @Test
    void aClientCertificateNeedsAPkcs8Key() throws Exception {
        Path chain = Files.writeString(dir.resolve("client.crt"), TestCertificate.PEM);
        Path pkcs1 = Files.writeString(dir.resolve("client.key"), "-----BEGIN RSA PRIVATE KEY-----\nAA==\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ChannelSecurity.fromOptions(false, null, chain.toString(), pkcs1.toString()));
        assertEquals(pkcs1 + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----); convert it with: "
                + "openssl pkcs8 -topk8 -nocrypt -in " + pkcs1 + " -out client.pk8", refused.getMessage());
    }

    @Test
    void aCertificateNeedsItsKey() throws Exception {
        Path chain = Files.writeString(dir.resolve("client.crt"), TestCertificate.PEM);
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> ChannelSecurity.fromOptions(false, null, chain.toString(), null));
        assertEquals("--tls-cert and --tls-key go together: give both (PEM files), or neither", noKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChannelSecurity.fromOptions(false, null, null,
                chain.toString()));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nowhere.crt");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ChannelSecurity.fromOptions(true, missing.toString(), null, null));
        assertEquals(missing + " is not a readable file", refused.getMessage());
    }

    @Test
    void aCaThatIsNotACertificateIsRefusedBeforeAnyConnection() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "this is not a certificate");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ChannelSecurity.fromOptions(true, ca.toString(), null, null));
        assertTrue(refused.getMessage().startsWith(ca + " is not a PEM certificate file: "), refused.getMessage());
    }
}
