package io.refinevad.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/**
 * A pod read just after it was created has no status, no conditions and no container statuses. The checks must
 * answer "not yet" (false, or an AssertionError, the one failure Awaitility's untilAsserted retries), never throw
 * what ended a CI run before: an IndexOutOfBoundsException from containerStatuses.get(0).
 */
class PodsTest {

    @Test
    void aPodWithoutStatusIsNotReadyAndHasNoContainerStatusYet() {
        Pod fresh = new PodBuilder().withNewMetadata().withName("fresh").endMetadata().build();

        assertFalse(Pods.isReady(fresh));
        assertFalse(Pods.isReady(null));
        assertThrows(AssertionError.class, () -> Pods.containerStatus(fresh, "app"));
        assertThrows(AssertionError.class, () -> Pods.initContainerStatus(fresh, "init"));
    }

    @Test
    void aScheduledPodWithoutContainerStatusesIsNotReadyYet() {
        Pod scheduled = new PodBuilder().withNewMetadata().withName("scheduled").endMetadata()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("True")
                .endCondition().endStatus().build();

        assertFalse(Pods.isReady(scheduled));
        assertThrows(AssertionError.class, () -> Pods.containerStatus(scheduled, "app"));
    }

    @Test
    void aReadyPodIsReadyUntilItIsBeingDeleted() {
        Pod ready = new PodBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("app").withRestartCount(2).endContainerStatus().endStatus().build();

        assertTrue(Pods.isReady(ready));
        assertEquals(2, Pods.containerStatus(ready, "app").getRestartCount());
        ready.getMetadata().setDeletionTimestamp("2026-11-30T00:00:00Z");
        assertFalse(Pods.isReady(ready));
    }
}
