package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS at the gateway's gRPC port, from Secrets in the detector's namespace, mounted as volumes so that the kubelet
 * brings rotated certificates into the running pods (the gateway reloads them).
 */
@ValidationRule(value = "!has(self.clientCaSecretName) || has(self.secretName)",
        message = "gateway.tls.clientCaSecretName needs gateway.tls.secretName: client certificates (mTLS) are asked"
                + " for only over TLS, so name the kubernetes.io/tls Secret of the gateway's own certificate too")
public class GatewayTlsSpec {

    /** A Secret name is a DNS subdomain. */
    private static final int SECRET_NAME_MAX = 253;

    @JsonPropertyDescription("a kubernetes.io/tls Secret (tls.crt, tls.key), as cert-manager writes it: the gateway"
            + " serves TLS with it")
    @Size(min = 1, max = SECRET_NAME_MAX)
    private String secretName;

    @JsonPropertyDescription("a Secret with the key ca.crt: when set, a client must present a certificate signed by"
            + " that CA (mTLS)")
    @Size(min = 1, max = SECRET_NAME_MAX)
    private String clientCaSecretName;

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getClientCaSecretName() {
        return clientCaSecretName;
    }

    public void setClientCaSecretName(String clientCaSecretName) {
        this.clientCaSecretName = clientCaSecretName;
    }
}
