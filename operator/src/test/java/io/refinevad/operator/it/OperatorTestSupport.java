package io.refinevad.operator.it;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.refinevad.operator.DetectorOperator;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.AnomalyDetectorSpec;
import io.refinevad.operator.crd.ModelSpec;
import io.refinevad.operator.reconciler.OperatorSettings;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Shared by the operator's cluster tests: the CRD from crds/, detectors, and the operator run in the test JVM. */
final class OperatorTestSupport {

    /** Quick polling keeps the tests short; the product default is 5 s. */
    static final OperatorSettings FAST = new OperatorSettings(Duration.ofSeconds(1), Duration.ofSeconds(1));

    private OperatorTestSupport() {
    }

    /** Installs (or updates) the checked-in CRD, as the Helm chart would, and waits until it is served. */
    static void installCrd(KubernetesClient client, Path repository) throws IOException {
        try (InputStream in = new FileInputStream(
                repository.resolve("crds/anomalydetectors.refinevad.io-v1.yml").toFile())) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.resource(crd).forceConflicts().serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null
                            && c.getStatus().getConditions().stream()
                            .anyMatch(cond -> "Established".equals(cond.getType())
                                    && "True".equals(cond.getStatus())), 30, TimeUnit.SECONDS);
        }
    }

    static DetectorOperator startOperator(KubernetesClient client) {
        DetectorOperator operator = new DetectorOperator(client, new SimpleMeterRegistry(), FAST, Optional.empty());
        operator.start();
        return operator;
    }

    static AnomalyDetector detector(String namespace, String name) {
        AnomalyDetector detector = new AnomalyDetector();
        detector.getMetadata().setName(name);
        detector.getMetadata().setNamespace(namespace);
        AnomalyDetectorSpec spec = new AnomalyDetectorSpec();
        ModelSpec model = new ModelSpec();
        model.setUri("builtin:default");
        spec.setModel(model);
        detector.setSpec(spec);
        return detector;
    }
}
