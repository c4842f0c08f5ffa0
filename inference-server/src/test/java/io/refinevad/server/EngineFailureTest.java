package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.server.batching.BatchingConfig;
import io.refinevad.server.batching.DynamicBatcher;
import io.refinevad.server.batching.ScoringFailure;
import io.refinevad.server.batching.ScoringJob;
import io.refinevad.server.engine.OnnxRuntimeEngine;
import io.refinevad.server.errors.GrpcErrors;
import io.refinevad.server.metrics.ScoringMetrics;
import io.refinevad.server.model.EmbeddedDefaultModel;
import io.refinevad.server.model.ModelBundle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * When the engine itself fails (here ONNX Runtime, given windows of 511 features by a batcher set up wrongly on
 * purpose), the client learns that the server failed and under which error id; the engine's own words go to the
 * log, once for the batch, and never to the client.
 */
class EngineFailureTest {
    private static final int WRONG_DIM = 511;

    @Test
    void theClientGetsAnErrorIdAndTheLogGetsTheEngineErrorOnce() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        LogCapture log = LogCapture.start();
        ScoringFailure first;
        ScoringFailure second;
        try (OnnxRuntimeEngine engine = new OnnxRuntimeEngine(
                ModelBundle.open(EmbeddedDefaultModel.extract(mapper), mapper), 1, false);
             DynamicBatcher batcher = new DynamicBatcher(engine, WRONG_DIM, 32, twoJobBatches(),
                     new ScoringMetrics(new SimpleMeterRegistry()), System::nanoTime, () -> { })) {
            CompletableFuture<ScoringFailure> a = new CompletableFuture<>();
            CompletableFuture<ScoringFailure> b = new CompletableFuture<>();
            batcher.submit(List.of(job(a), job(b)));  // one request: one batch, whether the batcher waits or not
            first = a.get(60, TimeUnit.SECONDS);
            second = b.get(60, TimeUnit.SECONDS);
        } finally {
            log.stop();
        }
        assertEquals(first.errorId(), second.errorId(), "one failed batch, one error");
        Status status = GrpcErrors.scoringFailed(first).getStatus();
        assertEquals(Status.Code.INTERNAL, status.getCode());
        assertEquals("the engine failed to score this request (error id " + first.errorId()
                + "; the server's log has the details)", status.getDescription());
        List<LogRecord> logged = log.mentioning(first.errorId());
        assertEquals(1, logged.size(), "logged once for the batch");
        assertTrue(logged.get(0).getThrown() != null, "the log has the engine's error");
        assertFalse(status.getDescription().contains(logged.get(0).getThrown().getMessage()));
    }

    private static ScoringJob job(CompletableFuture<ScoringFailure> failure) {
        return new ScoringJob(new float[WRONG_DIM], 1,
                result -> failure.completeExceptionally(new AssertionError("scored")), failure::complete);
    }

    private static BatchingConfig twoJobBatches() {
        return new FixedBatching(2, Duration.ofSeconds(10), 4);
    }
}
