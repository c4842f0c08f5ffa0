package io.refinevad.client;

import io.grpc.Status;
import io.refinevad.api.v1.AnomalyEvent;
import java.util.List;

/**
 * What one camera's stream got back: a score and category evidence per segment, latencies, the anomaly events the
 * servers sent (in the order they came; none from servers older than AnomalyEvent), and how it ended.
 */
public record StreamResult(String streamId, float[] scores, float[][] evidence, List<String> categories,
                           long[] latencyMicros, List<AnomalyEvent> events, Status status) {
}
