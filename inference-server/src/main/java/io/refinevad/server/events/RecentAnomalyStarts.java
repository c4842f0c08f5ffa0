package io.refinevad.server.events;

import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.EventPhase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;

/**
 * The last {@value #KEPT} anomalies that started on this server, numbered from 1, for the operator to fetch on the
 * admin plane (Admin.GetAnomalyStarts) and record as Kubernetes Events. The operator polls every few seconds; a
 * burst beyond what it keeps between two polls is reported as missed, not held without bound.
 */
@ApplicationScoped
public class RecentAnomalyStarts implements AnomalyEventSink {
    static final int KEPT = 256;

    /** This process's: a caller whose cursor came from another (a restarted container) starts from what is kept. */
    private final String epoch = UUID.randomUUID().toString();
    private final Deque<AnomalyEvent> kept = new ArrayDeque<>();
    /** How many anomalies started here so far: the number of the newest kept one. */
    private long started;

    @Override
    public synchronized void publish(AnomalyEvent event) {
        if (event.getPhase() != EventPhase.EVENT_PHASE_STARTED) {
            return;
        }
        started++;
        kept.addLast(event);
        if (kept.size() > KEPT) {
            kept.removeFirst();
        }
    }

    /**
     * The anomalies started after number `after`, those of them no longer kept counted as missed. A cursor of another
     * epoch, or beyond the newest start, is a previous process's (the container restarted): everything kept is new.
     */
    public synchronized AnomalyStarts after(long asked, String askedEpoch) {
        boolean ours = askedEpoch.isEmpty() || askedEpoch.equals(epoch);
        long after = !ours || Long.compareUnsigned(asked, started) > 0 ? 0 : asked;
        long oldestKept = started - kept.size() + 1;
        long from = Math.max(after + 1, oldestKept);
        AnomalyStarts.Builder answer = AnomalyStarts.newBuilder()
                .setNext(started)
                .setEpoch(epoch)
                .setMissed(Math.max(0, oldestKept - (after + 1)));
        kept.stream().skip(Math.max(0, from - oldestKept)).forEach(answer::addStarted);
        return answer.build();
    }
}
