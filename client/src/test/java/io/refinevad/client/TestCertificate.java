package io.refinevad.client;

/**
 * A self-signed certificate to check that the client reads certificate files: only its public part, the key it was
 * made with was thrown away (openssl req -x509 -newkey ec ... -subj /CN=refinevad-client-test), so it can secure
 * nothing.
 */
final class TestCertificate {
    static final String PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBmDCCAT2gAwIBAgIUQfAcVxJbEpL+RVPleESyKoNDiskwCgYIKoZIzj0EAwIw
            IDEeMBwGA1UEAwwVcmVmaW5ldmFkLWNsaWVudC10ZXN0MCAXDTI2MTIwMTIyMTk0
            MloYDzIxMjYxMTA3MjIxOTQyWjAgMR4wHAYDVQQDDBVyZWZpbmV2YWQtY2xpZW50
            LXRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASO/oYgcrehKB8KIPt84YiX
            5Nrdibl/5xEHtgMo/DjHKbLvFEOqrTg8lfamcD4yHt4cPOiqlupTUsI+/OMKduAY
            o1MwUTAdBgNVHQ4EFgQUNS3h/JzrraXQD/Akmh9GMxgxGdgwHwYDVR0jBBgwFoAU
            NS3h/JzrraXQD/Akmh9GMxgxGdgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
            AgNJADBGAiEAtjIGp8mAAqKnQ2pIvIitkfEAqfIeuaJgLpqDrddhlt8CIQC7AgMf
            ilHNdvp+Zs+O2YvXJpRs40xFvkgWYWTIXL+oqw==
            -----END CERTIFICATE-----
            """;

    private TestCertificate() {
    }
}
