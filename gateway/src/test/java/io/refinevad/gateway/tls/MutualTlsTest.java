package io.refinevad.gateway.tls;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.testsupport.Certificates;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gateway with refinevad.gateway.tls.client-ca-dir too: only cameras with a certificate its CA signed get in. */
@QuarkusTest
@WithTestResource(value = TlsSecrets.class, initArgs = @ResourceArg(name = "mtls", value = "true"))
class MutualTlsTest {

    @Test
    void onlyACameraWithACertificateSignedByTheClientCaIsAnswered() {
        Path made = TlsClients.dir().resolve("made");
        Path gatewayCa = made.resolve("gateway-ca-1.crt");
        Certificates.Issued camera = Certificates.issue(new Certificates.Issued(made.resolve("camera-ca.crt"),
                made.resolve("camera-ca.key")), made, "camera-1", false);
        Certificates.Issued stranger = Certificates.issue(Certificates.authority(made, "other-ca"), made, "camera-2",
                false);

        TlsClients.answers(TlsClients.tls(gatewayCa, Optional.of(camera)));
        TlsClients.refused(TlsClients.tls(gatewayCa, Optional.empty()));
        TlsClients.refused(TlsClients.tls(gatewayCa, Optional.of(stranger)));
        TlsClients.refused(TlsClients.plaintext());
    }
}
