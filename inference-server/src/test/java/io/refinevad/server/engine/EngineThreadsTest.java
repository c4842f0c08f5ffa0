package io.refinevad.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** refinevad.engine.threads: a positive count as given, 0 as the CPUs the process may use, negative refused. */
class EngineThreadsTest {

    @Test
    void zeroFollowsTheCpusTheProcessMayUse() {
        assertEquals(1, EngineThreads.resolve(EngineThreads.PER_CPU, 1));
        assertEquals(6, EngineThreads.resolve(EngineThreads.PER_CPU, 6));
    }

    @Test
    void aPositiveCountIsTakenAsGiven() {
        assertEquals(3, EngineThreads.resolve(3, 1));
        assertEquals(1, EngineThreads.resolve(1, 8));
    }

    @Test
    void aNegativeCountIsRefusedNamingWhatIsAllowed() {
        var refused = assertThrows(IllegalArgumentException.class, () -> EngineThreads.resolve(-2, 4));
        assertTrue(refused.getMessage().contains("refinevad.engine.threads=-2 is negative"), refused.getMessage());
        assertTrue(refused.getMessage().contains("a positive count, or 0 for one thread per CPU"), refused.getMessage());
    }
}
