package io.refinevad.server.stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "refinevad.streams")
public interface StreamLimits {

    /** Streams one server holds at once; the operator scales on active streams against this capacity. */
    @WithDefault("64")
    int capacity();

    /** Most segments in one StreamScores message. */
    @WithDefault("256")
    int maxSegmentsPerMessage();

    /** A stream whose client sends nothing for this long is ended, after its accepted segments are answered. */
    @WithDefault("60s")
    Duration idleTimeout();
}
