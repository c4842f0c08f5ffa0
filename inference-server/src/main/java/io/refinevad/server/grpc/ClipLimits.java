package io.refinevad.server.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on whole clips (Score and the Open Inference Protocol's ModelInfer). */
@ConfigMapping(prefix = "refinevad.clips")
public interface ClipLimits {

    /** Most segments in one clip. */
    @WithDefault("4096")
    int maxSegments();

    /** Most clips in one ModelInfer request. */
    @WithDefault("64")
    int maxBatch();
}
