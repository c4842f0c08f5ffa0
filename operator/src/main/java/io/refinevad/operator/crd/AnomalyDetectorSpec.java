package io.refinevad.operator.crd;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

@ValidationRule(value = "self.runtime.engine == 'PyTorch' ? self.model.format == 'torchscript'"
        + " : self.model.format == 'onnx'",
        message = "runtime.engine PyTorch runs model.format torchscript; TensorRT and OnnxRuntime run model.format"
                + " onnx: change one of them")
@ValidationRule(value = "self.scaling.targetStreamsPerReplica <= self.runtime.streamCapacity",
        message = "scaling.targetStreamsPerReplica must not exceed runtime.streamCapacity: a pod cannot hold more"
                + " streams than its capacity")
@ValidationRule(value = "!has(self.replicas) || (self.replicas >= self.scaling.minReplicas"
        + " && self.replicas <= self.scaling.maxReplicas)",
        message = "replicas must lie within scaling.minReplicas..scaling.maxReplicas; raise maxReplicas (as far as the"
                + " platform allows) to pin more pods")
@ValidationRule(value = "!has(self.alerts.hysteresis) || !has(self.model.alarmThreshold)"
        + " || self.alerts.hysteresis < self.model.alarmThreshold",
        message = "alerts.hysteresis must be below model.alarmThreshold: an open anomaly ends below the threshold"
                + " minus the hysteresis, which must stay above 0; lower alerts.hysteresis or leave it unset")
public class AnomalyDetectorSpec {

    @Required
    private ModelSpec model;
    @Default("{}")
    private RuntimeSpec runtime = new RuntimeSpec();
    @Default("{}")
    private ScalingSpec scaling = new ScalingSpec();
    @Default("{}")
    private ServiceSpec service = new ServiceSpec();
    @Default("{}")
    private NetworkPolicySpec networkPolicy = new NetworkPolicySpec();
    @Default("{}")
    private GatewaySpec gateway = new GatewaySpec();
    @Default("{}")
    private AlertsSpec alerts = new AlertsSpec();

    /**
     * Pins the number of scoring pods (the scale subresource writes it: kubectl scale, an HPA). Left unset, the
     * operator scales on active streams within scaling.minReplicas..maxReplicas.
     */
    @SpecReplicas
    @Min(0)
    private Integer replicas;

    public ModelSpec getModel() {
        return model;
    }

    public void setModel(ModelSpec model) {
        this.model = model;
    }

    public RuntimeSpec getRuntime() {
        return runtime;
    }

    public void setRuntime(RuntimeSpec runtime) {
        this.runtime = runtime;
    }

    public ScalingSpec getScaling() {
        return scaling;
    }

    public void setScaling(ScalingSpec scaling) {
        this.scaling = scaling;
    }

    public ServiceSpec getService() {
        return service;
    }

    public void setService(ServiceSpec service) {
        this.service = service;
    }

    public NetworkPolicySpec getNetworkPolicy() {
        return networkPolicy;
    }

    public void setNetworkPolicy(NetworkPolicySpec networkPolicy) {
        this.networkPolicy = networkPolicy;
    }

    public GatewaySpec getGateway() {
        return gateway;
    }

    public void setGateway(GatewaySpec gateway) {
        this.gateway = gateway;
    }

    public AlertsSpec getAlerts() {
        return alerts;
    }

    public void setAlerts(AlertsSpec alerts) {
        this.alerts = alerts;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }
}
