package io.refinevad.e2e.cluster;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the local cluster: one cluster per test run, a fresh namespace per class, and
 * the pods' process logs plus the namespace's events kept under target/cluster-failures when a test fails.
 * Test methods may take {@link TestNamespace}, {@link LocalCluster} or a KubernetesClient (admin) as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalClusterExtension.class)
public @interface LocalClusterTest {
}
