package io.refinevad.server.batching;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Windows first, clips their share of the engine's time while both wait: neither starves. */
class LaneSchedulerTest {

    @Test
    void windowsGoFirstAndClipsGetTheirShareOfTheTimeBothWait() {
        LaneScheduler scheduler = new LaneScheduler(0.25);
        assertFalse(scheduler.clipsNext(true, true), "windows first");
        scheduler.ran(false, 10);
        assertTrue(scheduler.clipsNext(true, true), "clips have had none of the time");
        scheduler.ran(true, 300);
        for (int batch = 0; batch < 90; batch++) {
            assertFalse(scheduler.clipsNext(true, true), "windows until clips have had a quarter");
            scheduler.ran(false, 10);
        }
        assertTrue(scheduler.clipsNext(true, true), "300 of 1210 is past a quarter");
    }

    @Test
    void aQueueAloneRunsAndTheAccountStartsAfreshWhenOneEmpties() {
        LaneScheduler scheduler = new LaneScheduler(0.25);
        assertTrue(scheduler.clipsNext(false, true));
        scheduler.ran(true, 1_000_000);
        assertFalse(scheduler.clipsNext(true, false));
        scheduler.ran(false, 10);
        assertFalse(scheduler.clipsNext(true, true), "clips alone earlier do not count against the windows");
    }
}
