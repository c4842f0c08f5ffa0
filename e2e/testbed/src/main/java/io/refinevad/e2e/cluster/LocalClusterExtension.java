package io.refinevad.e2e.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/** See {@link LocalClusterTest}. */
public final class LocalClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
        TestWatcher {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LocalClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalCluster cluster = cluster(context);
        String name = "t-" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]", "") + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        name = name.length() > 63 ? name.substring(name.length() - 63) : name;
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .withLabels(RestrictedProfile.NAMESPACE_LABELS).endMetadata().build()).create();
        // The ServiceAccount controller creates "default" shortly after; pods cannot be admitted before it exists.
        cluster.admin().serviceAccounts().inNamespace(name).withName("default")
                .waitUntilCondition(account -> account != null, 60, TimeUnit.SECONDS);
        context.getStore(STORE).put(TestNamespace.class, new TestNamespace(name, cluster));
    }

    /** The namespace of the test class being run, for extensions that act in it after this one (a chart install). */
    public static TestNamespace namespaceOf(ExtensionContext context) {
        TestNamespace namespace = context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
        if (namespace == null) {
            throw new IllegalStateException(context.getDisplayName() + " is not a @LocalClusterTest");
        }
        return namespace;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestNamespace namespace = context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
        if (namespace != null) {
            namespace.cluster().admin().namespaces().withName(namespace.name()).delete();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        TestNamespace namespace = context.getParent().orElseThrow().getStore(STORE)
                .get(TestNamespace.class, TestNamespace.class);
        if (namespace == null) {
            return;
        }
        Path artifacts = Path.of("target", "cluster-failures").toAbsolutePath()
                .resolve(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        try {
            keepFailureArtifacts(namespace, artifacts);
            System.err.println("[local-cluster] " + context.getDisplayName() + " failed: pod logs and events kept in "
                    + artifacts);
        } catch (IOException | RuntimeException e) {
            System.err.println("[local-cluster] could not keep the failure artifacts: " + e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestNamespace.class || type == LocalCluster.class || type == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == LocalCluster.class) {
            return cluster(context);
        }
        if (type == KubernetesClient.class) {
            return cluster(context).admin();
        }
        return context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    }

    /** One cluster per test run: kept in the root store, which closes it (local-cluster.sh down) at the end. */
    private static LocalCluster cluster(ExtensionContext context) {
        return context.getRoot().getStore(STORE).getOrComputeIfAbsent(LocalCluster.class, key -> {
            try {
                return LocalCluster.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the local cluster", e);
            }
        }, LocalCluster.class);
    }

    /** When an event was last seen: core events carry lastTimestamp, events.k8s.io ones (the scheduler's) only
     *  their creation time. */
    private static String seen(Event event) {
        return event.getLastTimestamp() != null ? event.getLastTimestamp() : event.getMetadata().getCreationTimestamp();
    }

    private static void keepFailureArtifacts(TestNamespace namespace, Path artifacts) throws IOException {
        Files.createDirectories(artifacts);
        List<Event> events = namespace.cluster().admin().v1().events().inNamespace(namespace.name()).list().getItems();
        String table = events.stream()
                .sorted(Comparator.comparing(LocalClusterExtension::seen))
                .map(event -> String.join("\t", seen(event), event.getType(),
                        event.getReason(), event.getInvolvedObject().getKind() + "/"
                                + event.getInvolvedObject().getName(), event.getMessage()))
                .collect(Collectors.joining("\n", "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n", "\n"));
        Files.writeString(artifacts.resolve("events.tsv"), table);
        KubernetesClient admin = namespace.cluster().admin();
        for (Pod pod : admin.pods().inNamespace(namespace.name()).list().getItems()) {
            List<Container> containers = new ArrayList<>(pod.getSpec().getInitContainers());
            containers.addAll(pod.getSpec().getContainers());
            for (Container container : containers) {
                keepLog(admin, pod, container.getName(), false, artifacts);
                keepLog(admin, pod, container.getName(), true, artifacts);
            }
        }
    }

    /**
     * A container's log as `kubectl logs [--previous]` shows it, into POD.CONTAINER[.previous].log; a container that
     * has not started (or never restarted, for the previous one) has none, and is skipped.
     */
    private static void keepLog(KubernetesClient admin, Pod pod, String container, boolean previous, Path artifacts)
            throws IOException {
        var logs = admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .inContainer(container);
        String log;
        try {
            log = previous ? logs.terminated().getLog() : logs.getLog();
        } catch (KubernetesClientException e) {
            return;
        }
        String name = pod.getMetadata().getName() + "." + container + (previous ? ".previous" : "") + ".log";
        Files.writeString(artifacts.resolve(name), log);
    }
}
