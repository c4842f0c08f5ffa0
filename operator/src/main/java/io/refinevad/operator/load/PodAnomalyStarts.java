package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.AnomalyEvent;
import io.refinevad.api.v1.AnomalyStarts;
import io.refinevad.api.v1.GetAnomalyStartsRequest;
import io.refinevad.operator.crd.AnomalyDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Takes the anomalies that started on a detector's scoring pods since the last poll (Admin.GetAnomalyStarts on each
 * pod's admin plane, all pods at once with a short deadline), each once: it remembers, per pod, how many it took and
 * from which server process (its epoch: a restarted container counts afresh, and gives everything it keeps). A
 * pod it has not asked before gives everything it keeps when the pod was created after this operator started;
 * otherwise (the operator restarted) only what starts from now on, so that a restart does not repeat old anomalies.
 */
public class PodAnomalyStarts {

    /** An anomaly that started on a pod. */
    public record Start(String pod, AnomalyEvent event) {
    }

    /** What one poll took: the new starts, oldest first per pod, and how many the pods no longer kept. */
    public record Taken(List<Start> starts, long missed) {
    }

    private final int port;
    private final Duration deadline;
    private final Instant operatorStarted;
    /** Where a pod's starts were taken up to: its server process's epoch, and how many of that process's. */
    private record Cursor(String epoch, long next) {
        static final Cursor START = new Cursor("", 0);
    }

    /** Per detector (uid), per pod (uid). */
    private final Map<String, Map<String, Cursor>> taken = new ConcurrentHashMap<>();

    public PodAnomalyStarts(int port, Duration deadline, Instant operatorStarted) {
        this.port = port;
        this.deadline = deadline;
        this.operatorStarted = operatorStarted;
    }

    /** Asks the detector's running pods; pods that are gone are forgotten. */
    public Taken take(AnomalyDetector detector, List<Pod> pods) {
        Map<String, Cursor> before = taken.getOrDefault(detector.getMetadata().getUid(), Map.of());
        Map<Pod, PendingAdminCall<AnomalyStarts>> pending = new LinkedHashMap<>();
        for (Pod pod : pods) {
            Cursor cursor = before.getOrDefault(pod.getMetadata().getUid(), Cursor.START);
            pending.put(pod, PendingAdminCall.start(pod, port, deadline, (channel, millis) -> AdminGrpc
                    .newFutureStub(channel).withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
                    .getAnomalyStarts(GetAnomalyStartsRequest.newBuilder().setAfter(cursor.next())
                            .setEpoch(cursor.epoch()).build())));
        }
        Map<String, Cursor> now = new HashMap<>();
        List<Start> starts = new ArrayList<>();
        long missed = 0;
        for (Map.Entry<Pod, PendingAdminCall<AnomalyStarts>> entry : pending.entrySet()) {
            Pod pod = entry.getKey();
            String uid = pod.getMetadata().getUid();
            Cursor previous = before.get(uid);
            var answer = entry.getValue().await();
            if (answer.isEmpty()) {
                if (previous != null) {
                    now.put(uid, previous);  // asked again next time from where it was
                }
                continue;
            }
            now.put(uid, new Cursor(answer.get().getEpoch(), answer.get().getNext()));
            if (previous == null && createdBeforeOperator(pod)) {
                continue;  // the operator restarted: what the pod kept was recorded by the one before, or is old
            }
            answer.get().getStartedList().forEach(event -> starts.add(new Start(pod.getMetadata().getName(), event)));
            missed += answer.get().getMissed();
        }
        taken.put(detector.getMetadata().getUid(), now);
        return new Taken(starts, missed);
    }

    /** The detector is gone. */
    public void forget(AnomalyDetector detector) {
        taken.remove(detector.getMetadata().getUid());
    }

    private boolean createdBeforeOperator(Pod pod) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created == null || Instant.parse(created).isBefore(operatorStarted);
    }
}
