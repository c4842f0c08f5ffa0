package io.refinevad.operator.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The active streams on a detector's pods: those reported, the share of them on draining pods, and those estimated
 * for pods that did not answer.
 */
record StreamTotal(int pods, int reported, int onDrainingPods, int silentPods, int estimated) {

    /** Draining pods count in full: their clients will reconnect to the other pods. */
    static StreamTotal over(List<PodLoad> pods, ToIntFunction<PodLoad> estimateForSilentPod) {
        int reported = 0;
        int onDrainingPods = 0;
        int silentPods = 0;
        int estimated = 0;
        for (PodLoad pod : pods) {
            if (pod.answered()) {
                int streams = pod.activeStreams().getAsInt();
                reported += streams;
                onDrainingPods += pod.draining() ? streams : 0;
            } else {
                silentPods++;
                estimated += estimateForSilentPod.applyAsInt(pod);
            }
        }
        return new StreamTotal(pods.size(), reported, onDrainingPods, silentPods, estimated);
    }

    int total() {
        return reported + estimated;
    }

    /** For example "12 active streams (3 on draining pods, 4 estimated for 1 pod that did not answer)". */
    String describe() {
        List<String> notes = new ArrayList<>();
        if (onDrainingPods > 0) {
            notes.add(onDrainingPods + " on draining pods");
        }
        if (silentPods > 0) {
            notes.add(estimated + " estimated for " + Plural.of(silentPods, "pod") + " that did not answer");
        }
        return Plural.of(total(), "active stream") + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")");
    }
}
