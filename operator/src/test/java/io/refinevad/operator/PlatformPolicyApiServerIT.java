package io.refinevad.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.ConditionType;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.policy.DetectorPolicy;
import io.refinevad.operator.policy.Placement;
import io.refinevad.operator.status.StatusAggregator;
import io.refinevad.testsupport.DetectorFixture;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The platform policy as a tenant meets it (issue 16), with the operator run by JOSDK against a real API server: a
 * detector outside the policy gets nothing made and a status naming the rule; one inside gets the placement the
 * platform defined under the name it chose; and a running detector edited outside the policy keeps what it had.
 */
class PlatformPolicyApiServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Placement GPU = new Placement(Map.of("nvidia.com/gpu.present", "true"),
            List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
                    .withEffect("NoSchedule").build()));

    @RegisterExtension
    static final RunningOperator OPERATOR = RunningOperator.perTest("policy")
            .withPolicy(new DetectorPolicy(List.of("registry.example.com/vision/"), Map.of("gpu", GPU),
                    EnumSet.of(ServiceSpec.Type.ClusterIP), 8, new Quantity("4"), new Quantity("8Gi"), 2, false,
                    false, DetectorPolicies.unrestricted().egress()));

    private final KubernetesClient client = OPERATOR.client();

    @Test
    void aDetectorOutsideThePolicyGetsNothingAndItsStatusNamesTheRules() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "escape");
        detector.getSpec().getRuntime().setImage("evil.example/miner:latest");
        detector.getSpec().getRuntime().setPlacement("control-plane");
        detector.getSpec().getService().setType(ServiceSpec.Type.LoadBalancer);
        client.resource(detector).create();

        await().atMost(TIMEOUT).untilAsserted(() -> {
            AnomalyDetector live = live("escape");
            Condition accepted = condition(live, ConditionType.ACCEPTED);
            assertThat(accepted.getStatus()).isEqualTo("False");
            assertThat(accepted.getReason()).isEqualTo(StatusAggregator.POLICY_VIOLATION);
            assertThat(accepted.getMessage()).startsWith("refused by the platform policy: spec.runtime.image"
                    + " evil.example/miner:latest is not from a registry the platform allows")
                    .contains("refinevad.operator.policy.placements", "refinevad.operator.policy.service-types");
            assertThat(condition(live, ConditionType.READY).getStatus()).isEqualTo("False");
            assertThat(condition(live, ConditionType.DEGRADED).getReason()).isEqualTo(
                    StatusAggregator.POLICY_VIOLATION);
            assertThat(warnings("escape")).isNotEmpty();
        });
        assertThat(client.apps().deployments().inNamespace(OPERATOR.namespace()).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(OPERATOR.namespace()).list().getItems()).isEmpty();
    }

    @Test
    void aPlacementNamedByTheDetectorIsTheOneThePlatformDefined() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "gpu");
        detector.getSpec().getRuntime().setPlacement("gpu");
        client.resource(detector).create();

        PodSpec pods = await().atMost(TIMEOUT).until(() -> deployment("gpu"), d -> d != null).getSpec().getTemplate()
                .getSpec();
        assertThat(pods.getNodeSelector()).isEqualTo(GPU.nodeSelector());
        assertThat(pods.getTolerations()).isEqualTo(GPU.tolerations());
        // The status is written after the Deployment, so it may not be there yet when the Deployment is.
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(live("gpu"), ConditionType.ACCEPTED)
                .getStatus()).isEqualTo("True"));
    }

    @Test
    void aRunningDetectorEditedOutsideThePolicyKeepsWhatItHad() {
        client.resource(DetectorFixture.minimal(AnomalyDetector.class, OPERATOR.namespace(), "lobby")).create();
        String image = await().atMost(TIMEOUT).until(() -> deployment("lobby"), d -> d != null).getSpec()
                .getTemplate().getSpec().getContainers().get(0).getImage();

        // A merge patch, not a read-then-write edit: the operator writes the detector meanwhile (its finalizer, its
        // status), and an edit carrying the version it read then fails with 409 Conflict.
        client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace()).withName("lobby")
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\": {\"runtime\": {\"image\": \"evil.example/miner:latest\"}}}");

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(condition(live("lobby"), ConditionType.ACCEPTED)
                .getReason()).isEqualTo(StatusAggregator.POLICY_VIOLATION));
        assertThat(deployment("lobby").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(image);
    }

    private Deployment deployment(String detector) {
        return client.apps().deployments().inNamespace(OPERATOR.namespace()).withName(detector).get();
    }

    private List<Event> warnings(String detector) {
        return client.v1().events().inNamespace(OPERATOR.namespace()).list().getItems().stream()
                .filter(event -> "Warning".equals(event.getType())
                        && detector.equals(event.getInvolvedObject().getName())
                        && StatusAggregator.POLICY_VIOLATION.equals(event.getReason()))
                .toList();
    }

    private AnomalyDetector live(String name) {
        AnomalyDetector detector = client.resources(AnomalyDetector.class).inNamespace(OPERATOR.namespace())
                .withName(name).get();
        assertThat(detector.getStatus()).as("status").isNotNull();
        return detector;
    }

    private static Condition condition(AnomalyDetector detector, String type) {
        return detector.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition yet"));
    }
}
