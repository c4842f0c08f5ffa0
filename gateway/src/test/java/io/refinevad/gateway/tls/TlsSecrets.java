package io.refinevad.gateway.tls;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.refinevad.testsupport.Certificates;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's TLS Secret (and with the argument {@code mtls=true}, the client CA's) as mounted volumes, made before
 * the gateway starts; its only pod does not answer (the TLS tests ask the gateway's own ServerLive). The tests find the
 * files through the configuration: {@value #DIR} is where all of them are.
 */
public class TlsSecrets implements QuarkusTestResourceLifecycleManager {
    static final String DIR = "refinevad.test.tls-dir";
    private boolean mutual;

    @Override
    public void init(Map<String, String> args) {
        mutual = Boolean.parseBoolean(args.getOrDefault("mtls", "false"));
    }

    @Override
    public Map<String, String> start() {
        Path dir = Path.of("target", "tls-" + System.nanoTime()).toAbsolutePath();
        Certificates.Issued ca = Certificates.authority(dir.resolve("made"), "gateway-ca-1");
        Certificates.Issued server = Certificates.issue(ca, dir.resolve("made"), "localhost", false);
        SecretVolume certificate = new SecretVolume(dir.resolve("secret"));
        certificate.write(Map.of("tls.crt", server.certificateBytes(), "tls.key", server.keyBytes(),
                "ca.crt", ca.certificateBytes()));
        Map<String, String> config = new HashMap<>(Map.of(
                DIR, dir.toString(),
                "refinevad.gateway.tls.cert-dir", certificate.dir().toString(),
                "refinevad.gateway.tls.reload-period", "200ms",
                "refinevad.gateway.pods.static", "localhost:1:1",
                "refinevad.gateway.detector", "edge"));
        if (mutual) {
            Certificates.Issued cameras = Certificates.authority(dir.resolve("made"), "camera-ca");
            SecretVolume clientCa = new SecretVolume(dir.resolve("client-ca"));
            clientCa.write(Map.of("ca.crt", cameras.certificateBytes()));
            config.put("refinevad.gateway.tls.client-ca-dir", clientCa.dir().toString());
        }
        return config;
    }

    @Override
    public void stop() {
    }
}
