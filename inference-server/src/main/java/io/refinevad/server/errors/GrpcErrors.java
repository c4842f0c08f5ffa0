package io.refinevad.server.errors;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.server.batching.ScoringFailure;

/**
 * The server's error vocabulary: every status a call ends with is built here, so that the same failure reads the
 * same on every RPC. Callers give the message, which names the field or limit and what is allowed.
 */
public final class GrpcErrors {
    private GrpcErrors() {
    }

    /** The request itself is wrong; retrying it unchanged fails again. */
    public static StatusRuntimeException invalidArgument(String message) {
        return status(Status.INVALID_ARGUMENT, message);
    }

    /** The request names a model (and optionally a version; empty for none) that this server does not serve. */
    public static StatusRuntimeException modelNotServed(String name, String version, String servedName,
                                                        String servedVersion) {
        return status(Status.NOT_FOUND, "model '" + name + "'" + (version.isEmpty() ? "" : " version '" + version
                + "'") + " is not served here; this server serves '" + servedName + "' version '" + servedVersion
                + "'");
    }

    /** A limit of this server is reached; the same request may succeed later or on another replica. */
    public static StatusRuntimeException resourceExhausted(String message) {
        return status(Status.RESOURCE_EXHAUSTED, message);
    }

    /**
     * Accepted work could not be scored: a server fault, not the client's. The client gets the failure's own
     * message and the error id under which the server logged the details, never the engine's words.
     */
    public static StatusRuntimeException scoringFailed(ScoringFailure failure) {
        return status(Status.INTERNAL, failure.getMessage() + " (error id " + failure.errorId()
                + "; the server's log has the details)");
    }

    /** This server takes no new work (it is draining); another replica does. */
    public static StatusRuntimeException unavailable(String message) {
        return status(Status.UNAVAILABLE, message);
    }

    /** The request is valid but this server's state forbids it now (e.g. undraining a server that shuts down). */
    public static StatusRuntimeException failedPrecondition(String message) {
        return status(Status.FAILED_PRECONDITION, message);
    }

    /** The method is not served here; the message says where it is served instead. */
    public static StatusRuntimeException unimplemented(String message) {
        return status(Status.UNIMPLEMENTED, message);
    }

    public static StatusRuntimeException alreadyExists(String message) {
        return status(Status.ALREADY_EXISTS, message);
    }

    public static StatusRuntimeException deadlineExceeded(String message) {
        return status(Status.DEADLINE_EXCEEDED, message);
    }

    /** The call lost a race it cannot win by retrying (a stream taken over by a newer call). */
    public static StatusRuntimeException aborted(String message) {
        return status(Status.ABORTED, message);
    }

    /** A value that is well-formed but outside what the server can serve now (a resume point it no longer holds). */
    public static StatusRuntimeException outOfRange(String message) {
        return status(Status.OUT_OF_RANGE, message);
    }

    private static StatusRuntimeException status(Status status, String message) {
        return status.withDescription(message).asRuntimeException();
    }
}
