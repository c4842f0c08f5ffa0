package io.refinevad.gateway.tls;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.testsupport.Certificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway with refinevad.gateway.tls.cert-dir: TLS on the gRPC port, and a rotated certificate served to new
 * connections without a restart.
 */
@QuarkusTest
@WithTestResource(TlsSecrets.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeTlsTest {

    @Test
    @Order(1)
    void aCameraTrustingTheCaIsAnsweredAndAPlaintextOneIsNot() {
        TlsClients.answers(TlsClients.tls(TlsClients.dir().resolve("made/gateway-ca-1.crt"), Optional.empty()));
        TlsClients.refused(TlsClients.plaintext());
    }

    @Test
    @Order(2)
    void aRotatedCertificateIsServedToNewConnectionsWithoutARestart() {
        Path made = TlsClients.dir().resolve("made");
        Path firstCa = made.resolve("gateway-ca-1.crt");
        TlsClients.answers(TlsClients.tls(firstCa, Optional.empty()));

        // the Secret rotates to a certificate of another CA, with an RSA key in PKCS#1 (cert-manager's default)
        Certificates.Issued secondCa = Certificates.authority(made, "gateway-ca-2");
        Certificates.Issued rotated = Certificates.issue(secondCa, made, "localhost-2", true);
        SecretVolume secret = new SecretVolume(TlsClients.dir().resolve("secret"));
        secret.write(Map.of("tls.crt", rotated.certificateBytes(), "tls.key", rotated.keyBytes(),
                "ca.crt", secondCa.certificateBytes()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TlsClients.answers(TlsClients.tls(secondCa.certificate(), Optional.empty()));
            TlsClients.refused(TlsClients.tls(firstCa, Optional.empty()));
        });
    }
}
