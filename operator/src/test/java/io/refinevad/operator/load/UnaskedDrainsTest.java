package io.refinevad.operator.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.refinevad.api.v1.LoadReport;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which draining pods the operator undoes: only those that drain while nobody deletes them. A pod being deleted
 * drains on SIGTERM, as every scale-down does, and must be left to finish.
 */
class UnaskedDrainsTest {

    @Test
    void onlyAPodThatDrainsWhileNobodyDeletesItIsUnasked() {
        DetectorObservation observation = new DetectorObservation(Optional.empty(), List.of(
                pod("drained-by-someone", false, Optional.of(report(true))),
                pod("scaled-down", true, Optional.of(report(true))),
                pod("serving", false, Optional.of(report(false))),
                pod("silent", false, Optional.empty())), Optional.empty());

        assertThat(UnaskedDrains.in(observation)).extracting(ObservedPod::name).containsExactly("drained-by-someone");
    }

    private static LoadReport report(boolean draining) {
        return LoadReport.newBuilder().setDraining(draining).setStreamCapacity(64).build();
    }

    private static ObservedPod pod(String name, boolean beingDeleted, Optional<LoadReport> load) {
        return new ObservedPod(new PodBuilder().withNewMetadata().withName(name)
                .withDeletionTimestamp(beingDeleted ? "2026-11-30T18:00:00Z" : null).endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("10.244.0.7").endStatus().build(),
                false, load);
    }
}
