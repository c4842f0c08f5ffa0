package io.refinevad.gateway.stream;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.refinevad.gateway.DaemonScheduler;
import io.refinevad.gateway.GatewayConfig;
import io.refinevad.gateway.pods.Rebalancing;
import io.refinevad.gateway.pods.ScoringPods;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Evens the placeable pods' loads after a surge: every {@code rebalance.period} it plans at most
 * {@code moves-per-second x period} (rounded down) moves with {@link Rebalancing} and asks one of this gateway's
 * streams on each move's pod to move (StreamRelay#moveTo). A move the gateway cannot make (no stream of its own on
 * that pod) is skipped; the next round plans from the pods' newer counts.
 */
@Singleton
public class Rebalancer {
    private final ScheduledExecutorService rounds = DaemonScheduler.named("rebalancing");
    private final ScoringPods pods;
    private final StreamRelays relays;
    private final long periodMillis;
    private final int movesPerRound;

    public Rebalancer(GatewayConfig config, ScoringPods pods, StreamRelays relays) {
        this.pods = pods;
        this.relays = relays;
        int movesPerSecond = config.rebalance().movesPerSecond();
        long period = config.rebalance().period().toMillis();
        // A period too short for one move at the rate is lengthened, so that rounding never exceeds the rate.
        this.periodMillis = movesPerSecond > 0 ? Math.max(period, (1000 + movesPerSecond - 1) / movesPerSecond)
                : period;
        this.movesPerRound = (int) (movesPerSecond * periodMillis / 1000);
    }

    void start(@Observes StartupEvent started) {
        if (movesPerRound > 0) {
            rounds.scheduleWithFixedDelay(this::safeRound, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        rounds.shutdownNow();
    }

    /** A failed round must not end the schedule (an exception would cancel it). */
    private void safeRound() {
        try {
            round();
        } catch (RuntimeException failure) {
            Log.warnf(failure, "rebalancing round failed; trying again in %d ms", periodMillis);
        }
    }

    private void round() {
        for (Rebalancing.Move move : Rebalancing.plan(pods.placeableLoads(), movesPerRound)) {
            pods.placeable(move.to()).filter(to -> relays.moveOne(move.from(), to))
                    .ifPresent(to -> pods.movedAway(move.from()));
        }
    }
}
