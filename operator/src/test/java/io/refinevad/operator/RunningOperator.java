package io.refinevad.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.operator.dependent.OperatorPods;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.policy.DetectorPolicy;
import io.refinevad.operator.reconciler.OperatorSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link DetectorOperator} as JOSDK runs it, against an {@link ApiServer} of the test class's own (CRD
 * installed), with a namespace for the tests' detectors. A test class registers one in place of the ApiServer
 * ({@code @RegisterExtension static final RunningOperator OPERATOR = RunningOperator.perTest("failures");}): the
 * API server runs from before the class's tests until after them; the namespace is created and the operator started
 * before each test ({@link #perTest}) or once before all of them ({@link #perClass}), and afterwards the namespace's
 * detectors are deleted while the operator still runs (their finalizer is its own: stopped first, they would stay),
 * then the operator is stopped.
 */
final class RunningOperator implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The poll interval and load report timeout: short, so that the tests wait little. */
    private static final Duration QUICK = Duration.ofSeconds(1);

    private final ApiServer api = ApiServer.withCrd();
    private final boolean perTest;
    private final String namespaceName;
    private final Optional<OperatorPods> operatorPods;
    private final DetectorPolicy policy;
    /** False: the test starts the operator itself ({@link #startWith}). */
    private final boolean startBeforeTheTests;
    private int namespacesCreated;
    private String namespace;
    private DetectorOperator operator;
    private SimpleMeterRegistry meters;

    private RunningOperator(boolean perTest, String namespaceName, Optional<OperatorPods> operatorPods,
            DetectorPolicy policy, boolean startBeforeTheTests) {
        this.perTest = perTest;
        this.namespaceName = namespaceName;
        this.operatorPods = operatorPods;
        this.policy = policy;
        this.startBeforeTheTests = startBeforeTheTests;
    }

    /** A new namespace ({@code <prefix>-1}, {@code <prefix>-2}, ...) and a new operator for each test. */
    static RunningOperator perTest(String namespacePrefix) {
        return new RunningOperator(true, namespacePrefix, Optional.empty(), DetectorPolicies.unrestricted(), true);
    }

    /** One namespace and one operator shared by the class's tests. */
    static RunningOperator perClass(String namespace) {
        return new RunningOperator(false, namespace, Optional.empty(), DetectorPolicies.unrestricted(), true);
    }

    /** An operator told that it runs as these pods (which its scoring pods' NetworkPolicy lets in). */
    RunningOperator withOperatorPods(OperatorPods pods) {
        return new RunningOperator(perTest, namespaceName, Optional.of(pods), policy, startBeforeTheTests);
    }

    /** An operator that holds detectors to this platform policy (the others limit nothing beyond the CRD). */
    RunningOperator withPolicy(DetectorPolicy detectorPolicy) {
        return new RunningOperator(perTest, namespaceName, operatorPods, detectorPolicy, startBeforeTheTests);
    }

    /** Only the namespace is made beforehand: the test starts the operator, with the images it chooses. */
    RunningOperator startedByTheTest() {
        return new RunningOperator(perTest, namespaceName, operatorPods, policy, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        api.beforeAll(context);
        if (!perTest) {
            createNamespaceAndStart();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            createNamespaceAndStart();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            deleteDetectorsThenStop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (!perTest) {
                deleteDetectorsThenStop();
            }
        } finally {
            api.afterAll(context);
        }
    }

    /**
     * Starts an operator that gives scoring pods these images, with a meter registry of its own, in place of the
     * running one, if any.
     */
    void startWith(ProductImages images) {
        stop();
        meters = new SimpleMeterRegistry();
        operator = new DetectorOperator(api.client(), meters, new OperatorSettings(QUICK, QUICK, operatorPods, images,
                OperatorSettings.CHART_GATEWAY_CLUSTER_ROLE, policy), Optional.empty());
        operator.start();
    }

    KubernetesClient client() {
        return api.client();
    }

    /** The namespace of the current test (or of the class's tests). */
    String namespace() {
        return namespace;
    }

    /** The metrics of the running operator. */
    SimpleMeterRegistry meters() {
        return meters;
    }

    private void createNamespaceAndStart() {
        namespace = api.createNamespace(perTest ? namespaceName + "-" + ++namespacesCreated : namespaceName);
        if (startBeforeTheTests) {
            startWith(ProductImages.AS_BUILT);
        }
    }

    private void deleteDetectorsThenStop() {
        try {
            if (namespace != null) {
                api.deleteDetectors(namespace);
            }
        } finally {
            namespace = null;
            stop();
        }
    }

    private void stop() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }
}
