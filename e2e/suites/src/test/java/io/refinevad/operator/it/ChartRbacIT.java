package io.refinevad.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.RestrictedProfile;
import io.refinevad.e2e.cluster.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the chart's RBAC lets the operator's ServiceAccount do, in each mode, asked of the local cluster's authorizer
 * with `kubectl auth can-i --as` (issue 16): the chart's Role or ClusterRole and its binding are rendered by helm and
 * applied as they are, then each escalation the issue lists is denied and what the operator needs is allowed where
 * it runs detectors. The operator's own use of these rules is proved by the suites that install the chart
 * (HelmChartIT, AnomalyDetectorLifecycleIT, UnaskedDrainIT, GatewayIT): a denied verb fails their reconciles.
 */
@LocalClusterTest
class ChartRbacIT {

    /** The verbs RBAC knows: those of the API's resources, plus the special ones of RBAC and certificates. */
    private static final Set<String> API_VERBS = Set.of("get", "list", "watch", "create", "update", "patch",
            "delete", "deletecollection", "use", "bind", "escalate", "impersonate", "approve", "sign");
    /** kubectl's one warning that is no error: -n given with a cluster-scoped resource (bind on a ClusterRole). */
    private static final Pattern NOT_NAMESPACED = Pattern.compile(
            "Warning: resource '[a-z]+' is not namespace scoped( in group '[a-z0-9.]+')?\\s*");
    private static final String ALL_NAMESPACES = "--all-namespaces";
    private static final String KUBE_SYSTEM = "kube-system";

    /** Denied wherever it is asked, in both modes: no rule grants these verbs, in any namespace. */
    private static final List<String> NEVER = List.of("update pods", "update deployments.apps",
            "update configmaps", "delete configmaps", "delete networkpolicies.networking.k8s.io", "update services",
            "update anomalydetectors.refinevad.io",
            "update anomalydetectors.refinevad.io --subresource=status", "create pods", "delete pods",
            "list secrets", "create leases.coordination.k8s.io", "list endpointslices.discovery.k8s.io",
            "create roles.rbac.authorization.k8s.io", "bind clusterroles.rbac.authorization.k8s.io/cluster-admin",
            "escalate clusterroles.rbac.authorization.k8s.io", "escalate roles.rbac.authorization.k8s.io");

    /** Cluster-scoped: denied in both modes. */
    private static final List<String> NEVER_CLUSTER_SCOPED = List.of("delete nodes",
            "create clusterroles.rbac.authorization.k8s.io", "create clusterrolebindings.rbac.authorization.k8s.io",
            "bind clusterroles.rbac.authorization.k8s.io/cluster-admin",
            "escalate clusterroles.rbac.authorization.k8s.io",
            "delete customresourcedefinitions.apiextensions.k8s.io", "create namespaces");

    /** What the operator does in a namespace where it runs detectors. */
    private static List<String> needed(String gatewayRole) {
        return List.of("create deployments.apps", "patch deployments.apps", "delete deployments.apps",
                "watch deployments.apps", "patch anomalydetectors.refinevad.io",
                "patch anomalydetectors.refinevad.io --subresource=status", "list pods", "patch pods",
                "create pods --subresource=eviction", "list replicasets.apps", "create events",
                "patch configmaps", "patch services",
                "watch poddisruptionbudgets.policy", "create networkpolicies.networking.k8s.io",
                "create serviceaccounts", "create rolebindings.rbac.authorization.k8s.io",
                "bind clusterroles.rbac.authorization.k8s.io/" + gatewayRole);
    }

    /** The escalations of issue 16 in a namespace the operator has no business in. */
    private static List<String> outsideItsNamespaces(String gatewayRole) {
        return List.of("create deployments.apps", "patch deployments.apps", "update pods", "patch pods",
                "patch configmaps", "update configmaps", "patch services", "create services",
                "create rolebindings.rbac.authorization.k8s.io", "list anomalydetectors.refinevad.io",
                "bind clusterroles.rbac.authorization.k8s.io/" + gatewayRole,
                "bind clusterroles.rbac.authorization.k8s.io/cluster-admin");
    }

    /** The checks name AnomalyDetectors, which kubectl knows only once the CRD is in (run alone, no suite put it). */
    @BeforeEach
    void theCrdIsInstalled(LocalCluster cluster) throws Exception {
        OperatorTestSupport.installCrd(cluster.admin(), cluster.repository());
    }

    @Test
    void namespaceScopedTheOperatorMayDoWhatItNeedsInItsNamespacesAndNothingElsewhere(LocalCluster cluster,
            KubernetesClient client, TestNamespace namespace) throws Exception {
        String unwatched = namespace.name() + "-unwatched";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(unwatched).endMetadata()
                .build()).create();
        Path rbac = render(cluster, namespace, "scoped", "templates/role.yaml");
        try {
            assertThat(Files.readString(rbac)).as("the default is namespace-scoped: a Role, no ClusterRole")
                    .contains("kind: Role").doesNotContain("kind: ClusterRole");
            ClusterTools.run(cluster, "kubectl", "apply", "-f", rbac.toString());
            String account = account(namespace, "scoped");
            String gatewayRole = "scoped-refinevad-operator-gateway";

            assertAll(cluster, account, namespace.name(), needed(gatewayRole), true);
            assertAll(cluster, account, namespace.name(), NEVER, false);
            for (String elsewhere : List.of(KUBE_SYSTEM, unwatched)) {
                assertAll(cluster, account, elsewhere, outsideItsNamespaces(gatewayRole), false);
                assertAll(cluster, account, elsewhere, NEVER, false);
            }
            assertAll(cluster, account, ALL_NAMESPACES, List.of("list pods", "create deployments.apps",
                    "list anomalydetectors.refinevad.io"), false);
            assertAll(cluster, account, ALL_NAMESPACES, NEVER_CLUSTER_SCOPED, false);
        } finally {
            ClusterTools.run(cluster, "kubectl", "delete", "--ignore-not-found", "-f", rbac.toString());
            client.namespaces().withName(unwatched).delete();
        }
    }

    /**
     * Cluster-wide, the operator's rules hold in every namespace, kube-system included: that is what the mode grants
     * (values.yaml, docs/OPERATOR.md). The verbs the rules leave out stay denied everywhere, and the chart's
     * admission policy refuses what RBAC allows in the protected system namespaces (server-side dry runs as the
     * operator: a ConfigMap and a Deployment created in kube-system are refused, the same in its own namespace pass).
     */
    @Test
    void clusterWideTheOperatorMayDoWhatItNeedsEverywhereAndNoMore(LocalCluster cluster, TestNamespace namespace)
            throws Exception {
        Path rbac = render(cluster, namespace, "wide", "templates/clusterrole.yaml", "--set", "clusterWide=true",
                "--show-only", "templates/system-namespaces-policy.yaml");
        try {
            ClusterTools.run(cluster, "kubectl", "apply", "-f", rbac.toString());
            String account = account(namespace, "wide");
            String gatewayRole = "wide-refinevad-operator-gateway";

            for (String anywhere : List.of(namespace.name(), KUBE_SYSTEM)) {
                assertAll(cluster, account, anywhere, needed(gatewayRole), true);
                assertAll(cluster, account, anywhere, NEVER, false);
            }
            assertAll(cluster, account, ALL_NAMESPACES, NEVER, false);
            assertAll(cluster, account, ALL_NAMESPACES, NEVER_CLUSTER_SCOPED, false);

            String refused = "the RefineVAD operator may not write in a protected system namespace";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(createAs(cluster, account,
                    KUBE_SYSTEM, "configmap", "planted").errors()).contains(refused));
            assertThat(createAs(cluster, account, KUBE_SYSTEM, "deployment", "planted").errors()).contains(refused);
            for (String kind : List.of("configmap", "deployment")) {
                ClusterTools.Result own = createAs(cluster, account, namespace.name(), kind, "planted");
                assertThat(own.exit()).as("%s in the operator's namespace: %s", kind, own.errors()).isZero();
            }
        } finally {
            ClusterTools.run(cluster, "kubectl", "delete", "--ignore-not-found", "-f", rbac.toString());
        }
    }

    /**
     * RBAC cannot narrow `patch pods` to the annotation the operator writes; the chart's admission policy does: as
     * the operator's ServiceAccount, in a namespace it watches, a pod's deletion cost may be patched, its image,
     * labels and owner references may not (server-side dry runs: the API server authorizes and admits them, nothing
     * is changed). Without the policy the image swap would pass, patch being granted there.
     */
    @Test
    void theOperatorMayPatchAPodsAnnotationsAndNothingElse(LocalCluster cluster, KubernetesClient client,
            TestNamespace namespace) throws Exception {
        Path rbac = render(cluster, namespace, "pods", "templates/role.yaml", "--show-only",
                "templates/pod-patch-policy.yaml");
        try {
            ClusterTools.run(cluster, "kubectl", "apply", "-f", rbac.toString());
            client.resource(new PodBuilder().withNewMetadata().withName("bystander").withNamespace(namespace.name())
                    .addToLabels("app", "bystander").endMetadata()
                    .withNewSpec().addNewSchedulingGate("refinevad.io/never-scheduled")
                    .withSecurityContext(RestrictedProfile.pod())
                    .addNewContainer().withName("main").withImage("localhost/refinevad/pause:3.10.1")
                    .withSecurityContext(RestrictedProfile.container()).endContainer().endSpec().build()).create();
            String account = account(namespace, "pods");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(patchPod(cluster, account, namespace,
                    "{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"registry.example.com/evil:1\"}]}}")
                    .errors()).contains("the RefineVAD operator may change a pod's annotations only"));
            for (String change : List.of("{\"metadata\":{\"labels\":{\"app\":\"elsewhere\"}}}",
                    "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
                            + "\"name\":\"x\",\"uid\":\"00000000-0000-0000-0000-000000000000\"}]}}")) {
                assertThat(patchPod(cluster, account, namespace, change).errors()).as(change)
                        .contains("the RefineVAD operator may change a pod's annotations only");
            }
            ClusterTools.Result cost = patchPod(cluster, account, namespace,
                    "{\"metadata\":{\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"3\"}}}");
            assertThat(cost.exit()).as("the deletion cost: %s", cost.errors()).isZero();
        } finally {
            client.pods().inNamespace(namespace.name()).withName("bystander").delete();
            ClusterTools.run(cluster, "kubectl", "delete", "--ignore-not-found", "-f", rbac.toString());
        }
    }

    /** kubectl create (a server-side dry run) of a ConfigMap or a Deployment, as the account. */
    private static ClusterTools.Result createAs(LocalCluster cluster, String account, String where, String kind,
            String name) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "create", kind, name, "--namespace", where,
                "--as", account, "--dry-run=server"));
        if (kind.equals("deployment")) {
            command.add("--image=localhost/refinevad/pause:3.10.1");
        }
        return ClusterTools.call(cluster, command.toArray(String[]::new));
    }

    private static ClusterTools.Result patchPod(LocalCluster cluster, String account, TestNamespace namespace,
            String patch) throws Exception {
        return ClusterTools.call(cluster, "kubectl", "patch", "pod", "bystander", "--namespace", namespace.name(),
                "--as", account, "--dry-run=server", "--type", "strategic", "--patch", patch);
    }

    /** Templates of the chart as helm renders them for this release, in the test's namespace, to a file. */
    private static Path render(LocalCluster cluster, TestNamespace namespace, String release, String template,
            String... moreArguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("helm", "template", release,
                cluster.repository().resolve("helm/refinevad-operator").toString(), "--namespace", namespace.name(),
                "--kube-version", OperatorTestSupport.kubeVersion(cluster), "--show-only", template));
        command.addAll(List.of(moreArguments));
        Path rendered = Files.createTempFile(Path.of("target").toAbsolutePath(), "rbac-", ".yaml");
        Files.writeString(rendered, ClusterTools.run(cluster, command.toArray(String[]::new)));
        return rendered;
    }

    private static String account(TestNamespace namespace, String release) {
        return "system:serviceaccount:" + namespace.name() + ":" + release + "-refinevad-operator";
    }

    private static void assertAll(LocalCluster cluster, String account, String where, List<String> checks,
            boolean allowed) throws Exception {
        for (String check : checks) {
            assertThat(canI(cluster, account, where, check)).as("%s in %s", check, where).isEqualTo(allowed);
        }
    }

    /**
     * kubectl auth can-i answers "yes" with exit 0 and "no" with exit 1. Anything else fails the test instead of
     * counting as "no": another exit code (an unreachable API server), a warning on stderr (how kubectl reports a
     * resource the server does not have, "podz", while still answering "no") other than that a cluster-scoped
     * resource was asked about in a namespace (which is how `bind` on a ClusterRole is checked: in the namespace of
     * the RoleBinding that would grant it), and a verb that is not one of the API's (kubectl and the API server
     * answer "no" to "creat" without a word, so the test checks the verb itself).
     *
     * @param where a namespace, or {@value #ALL_NAMESPACES}
     */
    private static boolean canI(LocalCluster cluster, String account, String where, String verbAndResource)
            throws Exception {
        String verb = verbAndResource.split(" ")[0];
        assertThat(API_VERBS).as("kubectl auth can-i %s: not a Kubernetes API verb", verbAndResource).contains(verb);
        List<String> command = new ArrayList<>(List.of("kubectl", "auth", "can-i", "--as", account));
        command.addAll(where.equals(ALL_NAMESPACES) ? List.of(ALL_NAMESPACES) : List.of("--namespace", where));
        command.addAll(List.of(verbAndResource.split(" ")));
        ClusterTools.Result result = ClusterTools.call(cluster, command.toArray(String[]::new));
        String answer = result.output().strip();
        boolean clean = result.errors().isBlank() || NOT_NAMESPACED.matcher(result.errors()).matches();
        if (clean && result.exit() == 0 && answer.equals("yes")) {
            return true;
        }
        if (clean && result.exit() == 1 && answer.equals("no")) {
            return false;
        }
        throw new AssertionError("kubectl auth can-i " + verbAndResource + " in " + where + " failed (exit "
                + result.exit() + "): " + answer + " " + result.errors());
    }
}
