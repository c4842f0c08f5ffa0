package io.refinevad.operator.crd;

/** The detector's condition types, as they appear in status.conditions. */
public final class ConditionType {

    /**
     * At least the desired number of scoring pods (and at least one) serve the model, and, with the gateway enabled,
     * at least one gateway pod is ready to take their streams.
     */
    public static final String READY = "Ready";
    /** The model was fetched, verified and loaded by a pod. */
    public static final String MODEL_READY = "ModelReady";
    /**
     * Gateway pods are ready (n of m); True with the reason Disabled when spec.gateway.enabled is false, so that the
     * condition is always there to wait on.
     */
    public static final String GATEWAY_READY = "GatewayReady";
    /** Pods are being added or removed. */
    public static final String SCALING = "Scaling";
    /**
     * The spec is within the platform policy (reason WithinPolicy); False with reason PolicyViolation and the rules
     * broken, while the operator leaves the detector's objects as they were.
     */
    public static final String ACCEPTED = "Accepted";
    /** Something needs a person: the reason says what (ModelFetchFailed, CrashLoop, PodsUnreachable, ...). */
    public static final String DEGRADED = "Degraded";

    private ConditionType() {
    }
}
