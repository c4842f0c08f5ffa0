package io.refinevad.api.events;

import io.refinevad.api.v1.EventPhase;
import java.util.Locale;

/** An event phase as people and receivers read it: started, updated, ended (EVENT_PHASE_STARTED less its prefix). */
public final class PhaseNames {
    private static final String PREFIX = "EVENT_PHASE_";

    private PhaseNames() {
    }

    public static String of(EventPhase phase) {
        return phase.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    }
}
