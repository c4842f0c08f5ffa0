package io.refinevad.gateway.pods;

/** Where the detector's scoring pods come from. */
public interface PodDiscovery extends AutoCloseable {

    /** Tells the listener of every pod known now, and of every change from now on. */
    void start(PodListener listener);

    /**
     * Whether the listener has been told of every pod known at the start (for a watch, its first list is done): from
     * then on, a camera told that no pod is ready is told the truth.
     */
    boolean listed();

    /** Stops telling. */
    @Override
    default void close() {
    }
}
