package io.refinevad.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.refinevad.operator.crd.AlertsFixture;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.RuntimeSpec;
import io.refinevad.operator.crd.ServiceSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.testsupport.DetectorFixture;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The platform policy's rules, one by one, on hand-made specs (issue 16). */
class DetectorPolicyTest {

    private static final Placement GPU = new Placement(Map.of("nvidia.com/gpu.present", "true"),
            List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
                    .withEffect("NoSchedule").build()));
    private static final DetectorPolicy POLICY = new DetectorPolicy(List.of("registry.example.com/vision/"),
            Map.of("gpu", GPU), EnumSet.of(ServiceSpec.Type.ClusterIP), 8, new Quantity("4"), new Quantity("8Gi"), 2,
            false, false, DetectorPolicies.unrestricted().egress());
    private static final String ANY_HOST = "[{\"cidr\": \"0.0.0.0/0\"}]";
    private static final String ANY_RECEIVER = "[{\"ipBlock\": {\"cidr\": \"0.0.0.0/0\"}}]";
    private static final String KUBE_DNS = "[{\"namespaceSelector\": {\"matchLabels\":"
            + " {\"kubernetes.io/metadata.name\": \"kube-system\"}},"
            + " \"podSelector\": {\"matchLabels\": {\"k8s-app\": \"kube-dns\"}}}]";

    @Test
    void theMinimalDetectorIsWithinThePolicyAndRunsAnywhereUntainted() {
        AnomalyDetectorSpec spec = spec();
        assertThat(POLICY.violations(spec)).isEmpty();
        assertThat(POLICY.placement(spec.getRuntime())).contains(Placement.ANYWHERE);
    }

    @Test
    void anImageFromAnotherRegistryIsRefusedNamingTheAllowedPrefixes() {
        AnomalyDetectorSpec spec = spec();
        spec.getRuntime().setImage("registry.example.com/vision/scorer:2");
        assertThat(POLICY.violations(spec)).isEmpty();
        spec.getRuntime().setImage("registry.example.com/visionary/scorer:2");
        assertThat(POLICY.violations(spec)).containsExactly("spec.runtime.image registry.example.com/visionary/"
                + "scorer:2 is not from a registry the platform allows: registry.example.com/vision/"
                + " (refinevad.operator.policy.image-prefixes)");
    }

    @Test
    void aPlacementIsResolvedByNameAndAnUnknownOneRefused() {
        AnomalyDetectorSpec spec = spec();
        spec.getRuntime().setPlacement("gpu");
        assertThat(POLICY.violations(spec)).isEmpty();
        assertThat(POLICY.placement(spec.getRuntime())).contains(GPU);

        spec.getRuntime().setPlacement("control-plane");
        assertThat(POLICY.violations(spec)).containsExactly("spec.runtime.placement control-plane is not one the"
                + " platform defines: gpu (refinevad.operator.policy.placements)");
        assertThat(POLICY.placement(spec.getRuntime())).isEmpty();
    }

    @Test
    void serviceTypesReplicasAndGpusBeyondThePolicyAreRefused() {
        AnomalyDetectorSpec spec = spec();
        spec.getService().setType(ServiceSpec.Type.LoadBalancer);
        spec.getScaling().setMaxReplicas(9);
        spec.getRuntime().setGpus(3);
        assertThat(POLICY.violations(spec)).containsExactly(
                "spec.service.type LoadBalancer is not allowed: ClusterIP (refinevad.operator.policy.service-types)",
                "spec.scaling.maxReplicas 9 is above the platform's maximum of 8"
                        + " (refinevad.operator.policy.max-replicas)",
                "spec.runtime.gpus 3 is above the platform's maximum of 2 per pod"
                        + " (refinevad.operator.policy.max-gpus)");
    }

    @Test
    void cpuAndMemoryAboveTheMaximaAreRefusedWhetherAskedOrDerived() {
        AnomalyDetectorSpec spec = spec();
        spec.getRuntime().setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("4"))
                .addToLimits("cpu", new Quantity("4000m")).addToLimits("memory", new Quantity("8Gi")).build());
        assertThat(POLICY.violations(spec)).as("at the maxima, in other units").isEmpty();

        spec.getRuntime().setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("5"))
                .addToLimits("memory", new Quantity("9Gi")).build());
        assertThat(POLICY.violations(spec)).containsExactly(
                "spec.runtime.resources requests cpu 5, above the platform's maximum of 4 per pod"
                        + " (refinevad.operator.policy.max-cpu)",
                "the scoring pods' memory limit 9Gi (spec.runtime.resources, or derived from streamCapacity and"
                        + " window when unset) is above the platform's maximum of 8Gi per pod"
                        + " (refinevad.operator.policy.max-memory)");

        RuntimeSpec many = spec.getRuntime();
        many.setResources(null);
        many.setStreamCapacity(10000);
        assertThat(POLICY.violations(spec)).as("the limit derived for 10000 streams").singleElement()
                .asString().startsWith("the scoring pods' memory limit ");
    }

    @Test
    void aModelOverPlainHttpIsRefusedUnlessThePlatformAllowsIt() {
        AnomalyDetectorSpec spec = spec();
        spec.getModel().setUri("http://models.example/m.tgz");
        spec.getModel().setAllowHttp(true);
        assertThat(POLICY.violations(spec)).containsExactly("spec.model.allowHttp: the platform fetches models over"
                + " https only (refinevad.operator.policy.allow-http-models)");
        assertThat(DetectorPolicies.unrestricted().violations(spec)).isEmpty();
    }

    @Test
    void aWebhookOverPlainHttpIsRefusedUnlessThePlatformAllowsIt() {
        AnomalyDetectorSpec spec = spec();
        WebhookSpec webhook = AlertsFixture.webhook("https://alerts.example/hook", null);
        spec.getAlerts().setWebhook(webhook);
        assertThat(POLICY.violations(spec)).as("https needs no permission").isEmpty();

        webhook.setUrl("http://receiver.alerting.svc:8080/hook");
        webhook.setAllowHttp(true);
        assertThat(POLICY.violations(spec)).containsExactly("spec.alerts.webhook.allowHttp: the platform posts"
                + " anomaly events over https only (refinevad.operator.policy.allow-http-alerts)");
        assertThat(DetectorPolicies.unrestricted().violations(spec)).isEmpty();
    }

    @Test
    void placementsAreReadFromJsonAndAMisspeltFieldStopsTheOperator() {
        Map<String, Placement> placements = DetectorPolicies.placements("{\"gpu\": {\"nodeSelector\":"
                + " {\"nvidia.com/gpu.present\": \"true\"}, \"tolerations\": [{\"key\": \"nvidia.com/gpu\","
                + " \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]}, \"edge\": {}}");
        assertThat(placements).containsEntry("gpu", GPU).containsEntry("edge", Placement.ANYWHERE);

        assertThatThrownBy(() -> DetectorPolicies.placements("{\"gpu\": {\"tolerration\": []}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refinevad.operator.policy.placements must be JSON such as")
                .hasMessageContaining("tolerration");
        // fabric8's Toleration would keep the misspelt field aside and tolerate every taint with NoSchedule.
        assertThatThrownBy(() -> DetectorPolicies.placements("{\"gpu\": {\"tolerations\": [{\"key\":"
                + " \"nvidia.com/gpu\", \"operater\": \"Equal\", \"effect\": \"NoSchedule\"}]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("unknown field operater");
    }

    @Test
    void modelHostsAlertReceiversAndDnsAreReadFromJsonAndNeitherAMisspeltFieldNorAnEmptyListIsTaken() {
        ScoringEgress egress = DetectorPolicies.egress(
                "[{\"cidr\": \"0.0.0.0/0\", \"except\": [\"10.0.0.0/8\", \"169.254.0.0/16\"]}]",
                "[{\"namespaceSelector\": {\"matchLabels\": {\"kubernetes.io/metadata.name\": \"alerting\"}}}]",
                KUBE_DNS);
        assertThat(egress.modelHosts()).singleElement().satisfies(block -> {
            assertThat(block.getCidr()).isEqualTo("0.0.0.0/0");
            assertThat(block.getExcept()).containsExactly("10.0.0.0/8", "169.254.0.0/16");
        });
        assertThat(egress.alertReceivers()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "alerting");
            assertThat(peer.getPodSelector()).as("any pod of that namespace").isNull();
        });
        assertThat(egress.dns()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "kube-system");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
        });

        // A misspelt except would open the private ranges it was meant to close.
        assertThatThrownBy(() -> DetectorPolicies.egress("[{\"cidr\": \"0.0.0.0/0\", \"excpt\": []}]",
                ANY_RECEIVER, KUBE_DNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refinevad.operator.policy.model-hosts must be JSON such as")
                .hasMessageEndingWith("unknown field excpt");
        assertThatThrownBy(() -> DetectorPolicies.egress(ANY_HOST,
                "[{\"ipBlock\": {\"cidr\": \"0.0.0.0/0\", \"excpt\": [\"10.0.0.0/8\"]}}]", KUBE_DNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("refinevad.operator.policy.alert-receivers must be JSON such as")
                .hasMessageEndingWith("unknown field excpt");
        assertThatThrownBy(() -> DetectorPolicies.egress(ANY_HOST, ANY_RECEIVER,
                "[{\"podSelector\": {\"matchLabel\": {\"k8s-app\": \"kube-dns\"}}}]"))
                .hasMessageStartingWith("refinevad.operator.policy.dns must be JSON such as")
                .hasMessageEndingWith("unknown field matchLabel");
        for (List<String> settings : List.of(List.of("[]", ANY_RECEIVER, KUBE_DNS),
                List.of(ANY_HOST, "[]", KUBE_DNS), List.of(ANY_HOST, ANY_RECEIVER, "[]"))) {
            assertThatThrownBy(() -> DetectorPolicies.egress(settings.get(0), settings.get(1), settings.get(2)))
                    .as("an empty list, which a NetworkPolicy reads as anywhere: %s", settings)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must each name at least one destination");
        }
    }

    private static AnomalyDetectorSpec spec() {
        return DetectorFixture.minimal(AnomalyDetector.class, "team-a", "lobby").getSpec();
    }
}
