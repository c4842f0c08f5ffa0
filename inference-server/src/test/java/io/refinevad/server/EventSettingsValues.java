package io.refinevad.server;

import io.refinevad.server.events.EventSettings;
import java.util.Optional;

/** refinevad.events.* as a test sets them, without a Quarkus config behind them. */
record EventSettingsValues(boolean enabled, Optional<Float> hysteresis, int minSegments, int quietSegments,
                           int updateInterval, Optional<String> detector) implements EventSettings {

    /** The settings' defaults (EventSettings' @WithDefault values). */
    static final EventSettingsValues DEFAULTS = new EventSettingsValues(true, Optional.empty(), 2, 2, 16,
            Optional.empty());

    EventSettingsValues withHysteresis(float value) {
        return new EventSettingsValues(enabled, Optional.of(value), minSegments, quietSegments, updateInterval,
                detector);
    }
}
