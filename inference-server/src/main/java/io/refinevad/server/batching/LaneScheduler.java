package io.refinevad.server.batching;

/**
 * Which queue the next batch comes from. Windows are live cameras: when both queues hold work, windows go first,
 * but long clips still get at least clip-share of the engine's time, so that a steady stream of windows cannot
 * starve them and clips cannot starve the cameras (a clip batch takes far longer than a window batch). The engine
 * time of each queue is counted while both have work waiting, and forgotten as soon as one of them is empty.
 */
final class LaneScheduler {
    private final double clipShare;
    private long windowNanos;
    private long clipNanos;
    private boolean contended;

    LaneScheduler(double clipShare) {
        if (!(clipShare > 0 && clipShare < 1)) {
            throw new IllegalArgumentException("refinevad.batching.clip-share is " + clipShare
                    + "; allowed: more than 0 and less than 1");
        }
        this.clipShare = clipShare;
    }

    /** Whether the next batch is of clips; only asked when at least one queue holds work. */
    boolean clipsNext(boolean windowsWaiting, boolean clipsWaiting) {
        contended = windowsWaiting && clipsWaiting;
        if (!contended) {
            windowNanos = 0;
            clipNanos = 0;
            return clipsWaiting;
        }
        // Clips have had less than their share of the time both queues waited: clips / (clips + windows) < share.
        return clipNanos * (1 - clipShare) < windowNanos * clipShare;
    }

    /** The batch last chosen ran for `nanos` in the engine. */
    void ran(boolean clips, long nanos) {
        if (!contended) {
            return;
        } else if (clips) {
            clipNanos += nanos;
        } else {
            windowNanos += nanos;
        }
    }
}
