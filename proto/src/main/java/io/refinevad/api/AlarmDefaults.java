package io.refinevad.api;

/** The API's defaults for refinevad.v1.AlarmSettings, shared by the server and clients. */
public final class AlarmDefaults {
    /**
     * The alarm threshold when neither the deployment nor the model's manifest sets one (SETTING_SOURCE_DEFAULT),
     * and what a client uses with a server older than AlarmSettings.
     */
    public static final float THRESHOLD = 0.5f;

    private AlarmDefaults() {
    }
}
