package io.refinevad.gateway.pods;

/** Told by a {@link PodDiscovery} what becomes of the detector's scoring pods. */
public interface PodListener {

    /** The pod is Ready: it may take new streams (once its load is known). */
    void ready(Pod pod);

    /** The pod is no longer Ready: it keeps the streams it has and takes no new ones. */
    void notReady(Pod pod);

    /** The pod is gone: the streams still on it move. */
    void removed(Pod pod);
}
