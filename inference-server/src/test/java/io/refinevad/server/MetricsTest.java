package io.refinevad.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.NpyFloatMatrix;
import io.refinevad.api.v1.ScoringGrpc;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint reflects scored segments, batches, latencies and refusals. */
@QuarkusTest
class MetricsTest {
    private static final NpyFloatMatrix CLIP = GoldenVectors.read("stream_x");

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void scoringAndRefusalsShowUpInTheMetrics() throws Exception {
        double scoredBefore = value(metrics(), "refinevad_segments_scored_total");
        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("metrics")
                .send(CLIP.values(), 512, 0, 20).finish();
        assertEquals(Status.Code.OK, stream.await().getCode());
        Status refused = new RecordingStream(ScoringGrpc.newStub(channel)).send(CLIP.values(), 512, 0, 1).await();
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode());

        String text = metrics();
        assertEquals(scoredBefore + 20, value(text, "refinevad_segments_scored_total"));
        assertTrue(value(text, "refinevad_batch_size_count") >= 1);
        assertTrue(value(text, "refinevad_total_time_seconds_count") >= 20);
        assertTrue(value(text, "refinevad_rejections_total{reason=\"invalid_argument\"}") >= 1);
        assertEquals(0.0, value(text, "refinevad_active_streams"));
        assertTrue(text.contains("refinevad_queue_depth"));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in /q/metrics");
        }
        return Double.parseDouble(m.group(1));
    }
}
