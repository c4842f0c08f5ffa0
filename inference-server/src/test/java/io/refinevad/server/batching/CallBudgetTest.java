package io.refinevad.server.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The batcher's size arithmetic at the CRD's own bounds: maxBatchSize 1024 x window 4096 x D 512 is 2^31 feature
 * values, one past Integer.MAX_VALUE, and with no budget configured a batch must still fit a Java array.
 */
class CallBudgetTest {
    private static final int MAX_BATCH = 1024;
    private static final int MAX_WINDOW = 4096;
    private static final int DIM = 512;

    @Test
    void sizesAtTheCrdBoundsAreComputedWithoutOverflow() {
        assertEquals(1L << 31, WorkSize.batchFloats(MAX_BATCH, MAX_WINDOW, DIM));
        assertEquals(1L << 34, WorkSize.batchAttention(MAX_BATCH, MAX_WINDOW));
        assertEquals(16L * MAX_WINDOW * DIM, WorkSize.featureBytes(4 * MAX_WINDOW, DIM));
        assertEquals(Long.MAX_VALUE, WorkSize.product(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE),
                "saturates instead of wrapping");
        assertEquals(Long.MAX_VALUE, WorkSize.sum(Long.MAX_VALUE - 1, 2));
    }

    @Test
    void withoutABudgetABatchStillFitsAJavaArray() {
        CallBudget unlimited = new CallBudget(DIM, Long.MAX_VALUE, Long.MAX_VALUE);
        assertFalse(unlimited.fits(MAX_BATCH, MAX_WINDOW), "2^31 values do not fit an array");
        int largest = (int) (WorkSize.MAX_ARRAY_LENGTH / ((long) MAX_WINDOW * DIM));
        assertTrue(unlimited.fits(largest, MAX_WINDOW));
        assertFalse(unlimited.fits(largest + 1, MAX_WINDOW));
    }

    @Test
    void aBatchFitsBothBudgetsAndALoneJobAlwaysRuns() {
        CallBudget budget = new CallBudget(DIM, 4L * 2048 * DIM, 4L * 2048 * 2048);
        assertTrue(budget.fits(256, 32));
        assertFalse(budget.fits(257, 32), "past max-batch-floats");
        assertTrue(budget.fits(4, 2048));
        assertFalse(budget.fits(2, 4096), "past max-batch-attention");
        assertTrue(budget.fits(1, 4096), "a lone job runs");
    }
}
