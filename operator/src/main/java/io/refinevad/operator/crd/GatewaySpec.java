package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The stream gateway in front of the scoring pods (gateway/, docs/GATEWAY.md): one endpoint for every camera, which
 * places each stream on the least-loaded pod and moves it when its pod drains or dies. spec.service says how the
 * detector's endpoint is exposed, in front of the gateway while it is enabled.
 */
public class GatewaySpec {

    @JsonPropertyDescription("deploy the gateway (default), and point the detector's Service at it; false deletes"
            + " it, and the Service selects the scoring pods directly")
    @Default("true")
    private boolean enabled = true;

    @JsonPropertyDescription("gateway pods; each holds its own streams, so two keep the endpoint up while one is"
            + " replaced (their PodDisruptionBudget lets one go at a time)")
    @Default("2")
    @Min(1)
    @Max(16)
    private int replicas = 2;

    @JsonPropertyDescription("camera streams one gateway pod holds at once; more are refused with"
            + " RESOURCE_EXHAUSTED (refinevad.gateway.streams.limit)")
    @Default("1024")
    @Min(1)
    private int streamLimit = 1024;

    @JsonPropertyDescription("TLS at the gateway's gRPC port; unset: plaintext")
    private GatewayTlsSpec tls;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public int getStreamLimit() {
        return streamLimit;
    }

    public void setStreamLimit(int streamLimit) {
        this.streamLimit = streamLimit;
    }

    public GatewayTlsSpec getTls() {
        return tls;
    }

    public void setTls(GatewayTlsSpec tls) {
        this.tls = tls;
    }
}
