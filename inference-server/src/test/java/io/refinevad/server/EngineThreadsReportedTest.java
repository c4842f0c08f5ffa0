package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The server says how many threads one engine call uses, as a gauge a user scrapes: with refinevad.engine.threads
 * unset (0), one per CPU the JVM reports, which follows a container's CPU limit (the real-node test runs a scoring
 * pod with a limit of 1 and reads the startup line).
 */
@QuarkusTest
class EngineThreadsReportedTest {

    @Test
    void theGaugeShowsOneThreadPerCpuTheProcessMayUse() {
        assertEquals(Runtime.getRuntime().availableProcessors(), ScrapedMetrics.value("refinevad_engine_threads"));
    }
}
