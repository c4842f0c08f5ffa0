package io.refinevad.operator.crd;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How clients reach the scoring pods: a Service on the gRPC port (plus a headless one for client balancing). */
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
