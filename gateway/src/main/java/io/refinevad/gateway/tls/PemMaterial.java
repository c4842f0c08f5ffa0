package io.refinevad.gateway.tls;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Key and trust managers from PEM, as a kubernetes.io/tls Secret (cert-manager's) holds them. */
final class PemMaterial {
    private PemMaterial() {
    }

    /**
     * The certificate chain (leaf first) and its private key. Vert.x reads the key in every encoding cert-manager
     * writes: PKCS#8, and PKCS#1 (RSA) or SEC1 (EC).
     */
    static X509ExtendedKeyManager keyManager(Vertx vertx, byte[] chain, byte[] key) throws Exception {
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(Buffer.buffer(chain))
                .setKeyValue(Buffer.buffer(key));
        for (KeyManager manager : pem.getKeyManagerFactory(vertx).getKeyManagers()) {
            if (manager instanceof X509ExtendedKeyManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 key manager for the certificate");
    }

    /** Trusts the certificates in {@code authorities} (one or more PEM certificates). */
    static X509ExtendedTrustManager trustManager(byte[] authorities) throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(authorities));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no PEM certificate in it");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager for the certificates");
    }
}
