package io.refinevad.server.batching;

/**
 * The sizes the batcher budgets, in long arithmetic that saturates at Long.MAX_VALUE instead of wrapping around:
 * products of the CRD's own bounds overflow an int (maxBatchSize 1024 x window 4096 x D 512 = 2^31 values), and a
 * product of three ints can overflow a long.
 */
public final class WorkSize {
    /** The longest array the JVM allocates (a few words below Integer.MAX_VALUE, for the array header). */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private WorkSize() {
    }

    /** The bytes a job's features take while it waits: length x D float32 values. */
    public static long featureBytes(int length, int featureDim) {
        return product(length, featureDim, Float.BYTES);
    }

    /**
     * A job's attention cost: its length squared. The model's self-attention is quadratic in the length, in time
     * and in the activation memory an engine call takes (per head and layer, length x length scores).
     */
    public static long attention(int length) {
        return product(length, length);
    }

    /** The feature values of a padded batch: jobs x longest x D. */
    static long batchFloats(int jobs, int time, int featureDim) {
        return product(jobs, time, featureDim);
    }

    /** The attention cost of a padded batch: every job is as long as the longest, jobs x longest^2. */
    static long batchAttention(int jobs, int time) {
        return product(jobs, time, time);
    }

    /** a + b, or Long.MAX_VALUE past it. */
    static long sum(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    static long product(long... factors) {
        long product = 1;
        for (long factor : factors) {
            try {
                product = Math.multiplyExact(product, factor);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return product;
    }
}
