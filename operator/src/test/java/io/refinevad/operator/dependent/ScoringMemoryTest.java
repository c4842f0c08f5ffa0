package io.refinevad.operator.dependent;

import static io.refinevad.operator.ProductImages.AS_BUILT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.operator.policy.Placement;
import org.junit.jupiter.api.Test;

/** The scoring pod's memory limit follows from the server's budgets, its streams and the runtime. */
class ScoringMemoryTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theDefaultDetectorsLimitIsTheSumOfWhatItsServerMayHold() {
        // heap: 2 queues x 64 MiB + a 64 MiB batch + 64 MiB of requests in flight + 64 streams x 32 x 2048 x 4 B
        long heap = 128 * MIB + 64 * MIB + 64 * MIB + 16 * MIB;
        // native: the runtime, a fetched model, the batch's direct copy, one 4096-segment clip's attention
        long nativeMemory = 320 * MIB + 256 * MIB + 64 * MIB + 4096L * 4096 * 64;
        assertThat(ScoringMemory.limitBytes(new RuntimeSpec())).isEqualTo(heap + nativeMemory);
        assertThat(ScoringMemory.limitOf(new RuntimeSpec())).isEqualTo(new Quantity("1936Mi"));
    }

    @Test
    void theScoringContainerGetsTheDerivedLimitUnlessTheSpecSetsResources() {
        AnomalyDetector detector = DesiredStateTest.detector("builtin:default", null);
        assertThat(scorer(detector).getResources().getLimits()).containsEntry("memory", new Quantity("1936Mi"));
        detector.getSpec().getRuntime().setResources(new ResourceRequirementsBuilder()
                .addToLimits("memory", new Quantity("3Gi")).build());
        assertThat(scorer(detector).getResources().getLimits()).containsEntry("memory", new Quantity("3Gi"));
    }

    /** Issue 16: resources that set no memory limit used to leave the pod without one. */
    @Test
    void resourcesWithoutAMemoryLimitStillGetOneNeverBelowTheMemoryRequested() {
        AnomalyDetector detector = DesiredStateTest.detector("builtin:default", null);
        detector.getSpec().getRuntime().setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("2")).addToRequests("memory", new Quantity("1Gi")).build());
        assertThat(scorer(detector).getResources().getLimits()).containsEntry("memory", new Quantity("1936Mi"));
        assertThat(scorer(detector).getResources().getRequests()).containsEntry("cpu", new Quantity("2"));

        detector.getSpec().getRuntime().getResources().getRequests().put("memory", new Quantity("4Gi"));
        assertThat(scorer(detector).getResources().getLimits()).containsEntry("memory", new Quantity("4Gi"));
    }

    @Test
    void manyLongStreamsGrowTheLimitUntilTheHeapsQuarterDecidesIt() {
        RuntimeSpec runtime = new RuntimeSpec();
        runtime.setStreamCapacity(1000);
        runtime.setWindow(256);
        long heap = 128 * MIB + 64 * MIB + 64 * MIB + 1000L * 256 * 2048 * 4;
        assertThat(ScoringMemory.limitBytes(runtime)).isEqualTo(heap * 4);
    }

    @Test
    void theCrdsLargestSettingsDoNotOverflow() {
        RuntimeSpec runtime = new RuntimeSpec();
        runtime.setStreamCapacity(10000);
        runtime.setWindow(4096);
        runtime.setMaxBatchSize(1024);
        assertThat(ScoringMemory.limitBytes(runtime)).isEqualTo((256 * MIB + 10000L * 4096 * 2048 * 4) * 4);
    }

    private static Container scorer(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate()
                .getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("scorer")).findFirst().orElseThrow();
    }

    @Test
    void thePodsConfigurationCarriesTheBudgetsTheLimitCounts() {
        assertThat(ServerProperties.of(DesiredStateTest.detector("builtin:default", null))).contains(
                "refinevad.batching.max-queue-bytes=67108864",
                "refinevad.batching.max-queue-attention=67108864",
                "refinevad.batching.max-request-attention=16777216",
                "refinevad.batching.max-batch-floats=16777216",
                "refinevad.batching.max-batch-attention=4194304");
    }
}
