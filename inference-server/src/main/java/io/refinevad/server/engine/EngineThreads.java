package io.refinevad.server.engine;

/**
 * The threads one engine call may use: {@code refinevad.engine.threads} when positive, else one per CPU this
 * process may use. The JVM's count follows a container's CPU limit (cgroup v1 cpu.cfs_quota_us, v2 cpu.max, rounded
 * up: a limit of 1 gives 1), where ONNX Runtime's and libtorch's own defaults count every core of the node and would
 * oversubscribe a pod with a CPU limit.
 */
public final class EngineThreads {

    /** The value of {@code refinevad.engine.threads} that means one thread per CPU this process may use. */
    public static final int PER_CPU = 0;

    private EngineThreads() {
    }

    /** The threads for a configured value, on the CPUs the JVM reports. */
    public static int resolve(int configured) {
        return resolve(configured, Runtime.getRuntime().availableProcessors());
    }

    static int resolve(int configured, int availableProcessors) {
        if (configured < 0) {
            throw new IllegalArgumentException("refinevad.engine.threads=" + configured + " is negative; allowed: a"
                    + " positive count, or " + PER_CPU + " for one thread per CPU this process may use ("
                    + availableProcessors + " here)");
        }
        return configured == PER_CPU ? availableProcessors : configured;
    }
}
