package io.refinevad.operator.crd;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How clients reach the detector (status.endpoint): the Service named after it, on the gRPC port, in front of the
 * gateway pods while spec.gateway is enabled, else in front of the scoring pods (plus a headless one over the
 * scoring pods, for the gateway's discovery and for client balancing).
 */
public class ServiceSpec {

    public enum Type { ClusterIP, NodePort, LoadBalancer }

    @Default("9000")
    @Min(1)
    @Max(65535)
    private int port = 9000;

    @Default("ClusterIP")
    private Type type = Type.ClusterIP;

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public Type getType() {
        return type;
    }

    public void setType(Type type) {
        this.type = type;
    }
}
