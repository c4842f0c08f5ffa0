package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** How each scoring pod runs the model: engine, batching, stream window, image, resources and placement. */
@ValidationRule(value = "self.engine != 'TensorRT' || self.gpus >= 1",
        message = "runtime.engine TensorRT needs runtime.gpus >= 1; without GPUs use OnnxRuntime or PyTorch")
@ValidationRule(value = "self.precision != 'fp16' || self.engine == 'TensorRT'",
        message = "runtime.precision fp16 is for the TensorRT engine only; use fp32 with OnnxRuntime or PyTorch")
public class RuntimeSpec {

    public enum Engine { TensorRT, OnnxRuntime, PyTorch }

    /** Spelled as users write them in YAML. */
    public enum Precision { fp32, fp16 }

    @Default("OnnxRuntime")
    private Engine engine = Engine.OnnxRuntime;

    @Default("fp32")
    private Precision precision = Precision.fp32;

    @JsonPropertyDescription("most windows scored together in one engine call")
    @Default("32")
    @Min(1)
    @Max(1024)
    private int maxBatchSize = 32;

    @JsonPropertyDescription("longest a segment waits for others to join its batch, e.g. 5ms")
    @Default("5ms")
    @Pattern("^[0-9]+(ms|s)$")
    @Size(max = 16)
    private String maxQueueDelay = "5ms";

    @JsonPropertyDescription("segments of context per stream (the causal window W); unset: the model's own")
    @Min(1)
    @Max(4096)
    private Integer window;

    @JsonPropertyDescription("streams one pod accepts at most")
    @Default("64")
    @Min(1)
    @Max(10000)
    private int streamCapacity = 64;

    // No CRD default: one would be written into each detector when it is stored, and the detector would keep that
    // image through every later upgrade or registry move of the operator. Unset, the operator resolves it each pass.
    @JsonPropertyDescription("the scoring pods' image; unset: the operator's own version of the inference server"
            + " in the registry the operator is configured with (refinevad.operator.images.registry)")
    @Size(min = 1, max = 512)
    private String image;

    @JsonPropertyDescription("nvidia.com/gpu per pod")
    @Default("0")
    @Min(0)
    @Max(16)
    private int gpus;

    @JsonPropertyDescription("CPU and memory per pod, within the platform's maxima; a memory limit is always set"
            + " (unset: derived from streamCapacity and window)")
    private ResourceRequirements resources;

    @JsonPropertyDescription("where the pods run: the name of a placement the platform defines (node selector and"
            + " tolerations, refinevad.operator.policy.placements); unset: anywhere untainted")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 63)
    private String placement;

    public Engine getEngine() {
        return engine;
    }

    public void setEngine(Engine engine) {
        this.engine = engine;
    }

    public Precision getPrecision() {
        return precision;
    }

    public void setPrecision(Precision precision) {
        this.precision = precision;
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    public String getMaxQueueDelay() {
        return maxQueueDelay;
    }

    public void setMaxQueueDelay(String maxQueueDelay) {
        this.maxQueueDelay = maxQueueDelay;
    }

    public Integer getWindow() {
        return window;
    }

    public void setWindow(Integer window) {
        this.window = window;
    }

    public int getStreamCapacity() {
        return streamCapacity;
    }

    public void setStreamCapacity(int streamCapacity) {
        this.streamCapacity = streamCapacity;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public int getGpus() {
        return gpus;
    }

    public void setGpus(int gpus) {
        this.gpus = gpus;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public String getPlacement() {
        return placement;
    }

    public void setPlacement(String placement) {
        this.placement = placement;
    }
}
