package io.refinevad.gateway.pods;

/** Where the detector's scoring pods come from. */
public interface PodDiscovery extends AutoCloseable {

    /** Tells the listener of every pod known now, and of every change from now on. */
    void start(PodListener listener);

    /** Stops telling. */
    @Override
    default void close() {
    }
}
