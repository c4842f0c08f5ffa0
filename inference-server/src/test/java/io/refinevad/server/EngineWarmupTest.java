package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refinevad.server.batching.EngineWarmup;
import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The warm-up on the default model: one call of full windows per power-of-two batch size and the largest the batcher
 * may give the engine, and no more than its budget, on a clock that moves only when the engine runs (each call of n windows "takes" n ms).
 */
class EngineWarmupTest {
    private static final int DIM = 512;
    private static final int WINDOW = 32;
    private static final long MILLI = 1_000_000;
    @RegisterExtension
    static final DefaultModelEngine engine = new DefaultModelEngine();

    private final AtomicLong clock = new AtomicLong();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Test
    void powersOfTwoAndMaxBatchSizeRunOnceOnFullWindows() {
        List<Integer> ran = warmup(new FixedBatching(12, Duration.ZERO, 16), Duration.ofMinutes(1)).run();
        assertEquals(List.of(1, 2, 4, 8, 12), ran);
        assertEquals(List.of("1x32", "2x32", "4x32", "8x32", "12x32"), calls);
    }

    @Test
    void sizesBeyondWhatOneCallMayTakeAreNotWarmed() {
        long threeWindows = 3L * WINDOW * DIM;
        warmup(new FixedBatching(32, Duration.ZERO, 16).withMaxBatchFloats(threeWindows), Duration.ofMinutes(1))
                .run();
        assertEquals(List.of("1x32", "2x32", "3x32"), calls);
    }

    @Test
    void theWarmupStopsBeforeASizeThatWouldOverrunItsBudget() {
        // 1 + 2 + 4 = 7 ms spent; size 8 would take about 4 x 8 / 4 = 8 ms more, past the budget of 9 ms.
        List<Integer> ran = warmup(new FixedBatching(32, Duration.ZERO, 16), Duration.ofMillis(9)).run();
        assertEquals(List.of(1, 2, 4), ran);
    }

    private EngineWarmup warmup(FixedBatching batching, Duration budget) {
        ForwardingEngine timed = new ForwardingEngine(engine.get()) {
            @Override
            public EngineOutput run(EngineInput input) {
                calls.add(input.batch() + "x" + input.time());
                clock.addAndGet(input.batch() * MILLI);
                return super.run(input);
            }
        };
        return new EngineWarmup(timed, DIM, WINDOW, batching, budget, clock::get);
    }
}
