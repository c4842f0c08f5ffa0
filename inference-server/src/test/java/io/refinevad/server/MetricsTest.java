package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.testsupport.PrometheusText;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint reflects scored segments, batches, latencies and refusals. */
@QuarkusTest
class MetricsTest {
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void scoringAndRefusalsShowUpInTheMetrics() throws Exception {
        double scoredBefore = ScrapedMetrics.value("refinevad_segments_scored_total");
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("metrics")
                .send(CLIP.values(), 512, 0, 20).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        Status refused = new RecordingStream(ScoringGrpc.newStub(channel)).send(CLIP.values(), 512, 0, 1).await();
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode());

        String text = ScrapedMetrics.scrape();
        assertEquals(scoredBefore + 20, PrometheusText.value(text, "refinevad_segments_scored_total"));
        assertTrue(PrometheusText.value(text, "refinevad_batch_size_count") >= 1);
        assertTrue(PrometheusText.value(text, "refinevad_total_time_seconds_count") >= 20);
        assertTrue(PrometheusText.value(text, "refinevad_rejections_total{reason=\"invalid_argument\"}") >= 1);
        assertEquals(0.0, PrometheusText.value(text, "refinevad_active_streams"));
        assertTrue(text.contains("refinevad_queue_depth"));
        assertTrue(text.contains("refinevad_answers_dropped_total{reason=\"client_gone\"}"));
    }
}
