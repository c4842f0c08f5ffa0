package io.refinevad.server.stream;

import io.refinevad.api.events.AnomalyEventDetector;
import io.refinevad.api.v1.StreamResponse;
import java.util.Deque;
import java.util.List;

/**
 * What a stream's session hands to the newer call that takes it over: the session's secret, its window, its anomaly
 * event detector (an open anomaly goes on) and sequence numbers, the segments still being scored (their answers follow to the new call), the answers it keeps,
 * and those of them the new call must give again (from the resume point the new call asked for).
 */
record Takeover(String token, StreamWindow window, AnomalyEventDetector eventDetector, long firstSequence, long nextSequence, int pending,
                Deque<StreamResponse> answers, List<StreamResponse> replay) {
}
