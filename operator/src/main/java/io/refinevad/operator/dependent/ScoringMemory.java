package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.refinevad.operator.crd.RuntimeSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The memory limit of a scoring pod when runtime.resources sets none, derived from what its server may hold: the
 * batching budgets (written into the pod's configuration from here, so the server enforces exactly what this
 * counts; docs/SERVER.md "Batching, budgets, memory"), the open streams' windows, one engine call, and the runtime
 * and model. The server refuses work beyond its budgets with RESOURCE_EXHAUSTED instead of growing past the limit.
 *
 * <p>The pod sets no JVM options, so the JVM's heap may grow to its default quarter of the container's memory; the
 * limit leaves the heap what it holds (queued features, a batch's input array, requests being decoded, stream
 * windows) within that quarter, and the native side (the runtime, ONNX Runtime's activations, the input's direct
 * buffer) beside it.
 */
public final class ScoringMemory {
    static final long MIB = 1024 * 1024;

    // The server's batching budgets (refinevad.batching.*), the same as its own defaults.
    static final long MAX_QUEUE_BYTES = 64 * MIB;
    static final long MAX_QUEUE_ATTENTION = 64L * 1024 * 1024;
    static final long MAX_REQUEST_ATTENTION = 16L * 1024 * 1024;
    static final long MAX_BATCH_FLOATS = 16L * 1024 * 1024;
    static final long MAX_BATCH_ATTENTION = 4L * 1024 * 1024;
    /** The server's queues, each with the budgets above: stream windows and long clips. */
    static final int QUEUES = 2;

    /**
     * Activation memory of one ONNX Runtime call per attention cell (jobs x longest^2), measured on the default
     * model (4 heads): the peak resident memory of a server scoring 2040-segment clips alone, over 2040^2
     * (bench/fairness.sh, docs/SERVER.md).
     */
    static final long BYTES_PER_ATTENTION_CELL = 64;
    /**
     * The JVM, Quarkus, gRPC and the engine serving, before any batch: 163-305 MiB resident for the default model
     * (docs/PERFORMANCE.md, "Startup and memory"; the PyTorch engine's is the larger).
     */
    static final long RUNTIME_BYTES = 320 * MIB;
    /** The operator does not read the model: room for the weights of a fetched model of up to about 128 MB. */
    static final long MODEL_BYTES = 256 * MIB;
    /**
     * Features per segment of a stream window. The operator does not read the model: 2048, the widest of the usual
     * video encoders (the default model's are 512).
     */
    static final long FEATURE_DIM = 2048;
    /** A stream's window when runtime.window is unset: the default model's (a fetched model's is not known here). */
    static final long DEFAULT_WINDOW = 32;
    /** Requests being read and decoded at once: each clip (up to 8 MiB) is held as bytes, then as floats. */
    static final long IN_FLIGHT_BYTES = 64 * MIB;
    /** The JVM's default MaxRAMPercentage: the heap may take a quarter of the container's memory. */
    static final long HEAP_SHARE_PERCENT = 25;

    private ScoringMemory() {
    }

    /**
     * The memory limit of a scoring pod: runtime.resources' own, else the one derived here, raised to the memory
     * requested if that is more (a limit below the request would make the pod invalid). Always one: a pod without a
     * limit could take its node's memory.
     */
    public static Quantity limitOf(RuntimeSpec runtime) {
        Optional<ResourceRequirements> resources = Optional.ofNullable(runtime.getResources());
        Optional<Quantity> own = resources.map(ResourceRequirements::getLimits).map(limits -> limits.get("memory"));
        if (own.isPresent()) {
            return own.get();
        }
        Quantity derived = new Quantity(divideRoundingUp(limitBytes(runtime), MIB) + "Mi");
        return resources.map(ResourceRequirements::getRequests).map(requests -> requests.get("memory"))
                .filter(requested -> requested.getNumericalAmount().compareTo(derived.getNumericalAmount()) > 0)
                .orElse(derived);
    }

    static long limitBytes(RuntimeSpec runtime) {
        long window = runtime.getWindow() != null ? runtime.getWindow() : DEFAULT_WINDOW;
        long batchInput = MAX_BATCH_FLOATS * Float.BYTES;
        long heap = QUEUES * MAX_QUEUE_BYTES + batchInput + IN_FLIGHT_BYTES
                + runtime.getStreamCapacity() * window * FEATURE_DIM * Float.BYTES;
        // A lone job always runs, so one call's attention is bounded by the larger of the two budgets.
        long attention = Math.max(MAX_BATCH_ATTENTION, MAX_REQUEST_ATTENTION) * BYTES_PER_ATTENTION_CELL;
        long nativeMemory = RUNTIME_BYTES + MODEL_BYTES + batchInput + attention;
        return Math.max(divideRoundingUp(heap * 100, HEAP_SHARE_PERCENT), heap + nativeMemory);
    }

    /** The budgets as the server's properties, for the pod's configuration. */
    static Map<String, String> serverProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("refinevad.batching.max-queue-bytes", String.valueOf(MAX_QUEUE_BYTES));
        properties.put("refinevad.batching.max-queue-attention", String.valueOf(MAX_QUEUE_ATTENTION));
        properties.put("refinevad.batching.max-request-attention", String.valueOf(MAX_REQUEST_ATTENTION));
        properties.put("refinevad.batching.max-batch-floats", String.valueOf(MAX_BATCH_FLOATS));
        properties.put("refinevad.batching.max-batch-attention", String.valueOf(MAX_BATCH_ATTENTION));
        return properties;
    }

    private static long divideRoundingUp(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
