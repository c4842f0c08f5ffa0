package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How the scoring pods turn scores into anomaly events (docs/EVENTS.md) and where they send them besides the
 * stream. Each setting left unset keeps the server's default.
 */
@ValidationRule(value = "!has(self.hysteresis) || (self.hysteresis >= 0.0 && self.hysteresis < 1.0)",
        message = "alerts.hysteresis must be in [0, 1): how far below the alarm threshold an open anomaly's scores"
                + " may fall and it still goes on; leave it unset for the server's default")
public class AlertsSpec {

    /** The longest run of segments the server's event rule is asked to count (about a minute of video). */
    private static final int SEGMENTS_MAX = 64;

    @JsonPropertyDescription("consecutive segments at or above the alarm threshold before an anomaly starts (shorter"
            + " runs are flicker); unset: the server's default, 2")
    @Min(1)
    @Max(SEGMENTS_MAX)
    private Integer minSegments;

    @JsonPropertyDescription("consecutive segments below the release level (the threshold minus hysteresis) that end"
            + " an anomaly; unset: the server's default, 2")
    @Min(1)
    @Max(SEGMENTS_MAX)
    private Integer quietSegments;

    @JsonPropertyDescription("how far below the alarm threshold an open anomaly's scores may fall and it still goes"
            + " on, in [0, 1) and below model.alarmThreshold; unset: 0.1, or half the threshold when that is lower")
    private Double hysteresis;

    @JsonPropertyDescription("send every anomaly event to this HTTP receiver too (CloudEvents 1.0, binary mode);"
            + " unset: events go on the stream only")
    private WebhookSpec webhook;

    public Integer getMinSegments() {
        return minSegments;
    }

    public void setMinSegments(Integer minSegments) {
        this.minSegments = minSegments;
    }

    public Integer getQuietSegments() {
        return quietSegments;
    }

    public void setQuietSegments(Integer quietSegments) {
        this.quietSegments = quietSegments;
    }

    public Double getHysteresis() {
        return hysteresis;
    }

    public void setHysteresis(Double hysteresis) {
        this.hysteresis = hysteresis;
    }

    public WebhookSpec getWebhook() {
        return webhook;
    }

    public void setWebhook(WebhookSpec webhook) {
        this.webhook = webhook;
    }
}
