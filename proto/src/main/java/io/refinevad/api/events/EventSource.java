package io.refinevad.api.events;

import java.util.List;

/**
 * What every event of one stream says about where it comes from: the stream, the AnomalyDetector serving it
 * (namespace/name, "" outside Kubernetes), the model, and what turns segments into frames and evidence into a
 * shown category.
 *
 * @param categoryConfidence the served AlarmSettings.category_confidence; null: every category is shown unknown
 */
public record EventSource(String streamId, String detector, String modelName, String modelVersion,
                          int framesPerSegment, List<String> categories, Float categoryConfidence) {

    public EventSource {
        categories = List.copyOf(categories);
        if (framesPerSegment < 1) {
            throw new IllegalArgumentException("frames per segment must be at least 1, is " + framesPerSegment);
        }
    }
}
