package io.refinevad.client;

import io.grpc.Status;
import java.util.List;

/** What one camera's stream got back: a score and category evidence per segment, latencies, and how it ended. */
public record StreamResult(String streamId, float[] scores, float[][] evidence, List<String> categories,
                           long[] latencyMicros, Status status) {
}
