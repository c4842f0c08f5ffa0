package io.refinevad.operator.crd;

/** The detector's condition types, as they appear in status.conditions. */
public final class ConditionType {

    /** At least the desired number of pods (and at least one) serve the model. */
    public static final String READY = "Ready";
    /** The model was fetched, verified and loaded by a pod. */
    public static final String MODEL_READY = "ModelReady";
    /** Pods are being added or removed. */
    public static final String SCALING = "Scaling";
    /** Something needs a person: the reason says what (ModelFetchFailed, CrashLoop, PodsUnreachable, ...). */
    public static final String DEGRADED = "Degraded";

    private ConditionType() {
    }
}
