package io.refinevad.server.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "refinevad.streams")
public interface StreamLimits {

    /** Streams one server holds at once; the operator scales on active streams against this capacity. */
    @WithDefault("64")
    int capacity();

    /** Most segments in one StreamScores message. */
    @WithDefault("256")
    int maxSegmentsPerMessage();
}
