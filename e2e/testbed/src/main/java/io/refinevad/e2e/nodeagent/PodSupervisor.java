package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the pods bound to this node and gives each its own {@link PodRunner}: a new pod starts, a pod with a
 * deletion timestamp is stopped within its grace period, and a finished pod that is deleted is simply removed.
 */
final class PodSupervisor implements ResourceEventHandler<Pod> {

    private final KubernetesClient client;
    private final String nodeName;
    private final Path podsDir;
    private final PodRunner.NodeServices services;
    private final Map<String, PodRunner> runners = new ConcurrentHashMap<>();
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;

    PodSupervisor(KubernetesClient client, String nodeName, Path podsDir, PodRunner.NodeServices services) {
        this.client = client;
        this.nodeName = nodeName;
        this.podsDir = podsDir;
        this.services = services;
    }

    void start() {
        informer = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).inform(this, 0);
    }

    /** Stops every pod's processes at once (the agent is shutting down), without deleting the pod objects. */
    void stopAll() {
        if (informer != null) {
            informer.stop();
        }
        threads.values().forEach(Thread::interrupt);
        for (Thread thread : threads.values()) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void onAdd(Pod pod) {
        handle(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod pod) {
        handle(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        PodRunner runner = runners.get(pod.getMetadata().getUid());
        if (runner != null) {
            runner.requestTermination(Duration.ZERO);
        }
    }

    private void handle(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodRunner runner = runners.get(uid);
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (runner != null) {
                runner.requestTermination(Duration.ofSeconds(
                        Objects.requireNonNullElse(pod.getMetadata().getDeletionGracePeriodSeconds(), 30L)));
            } else {
                new PodStatusReport(client, pod).remove();
            }
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (runner == null && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            PodRunner newRunner = new PodRunner(pod, podsDir, services);
            runners.put(uid, newRunner);
            Thread thread = new Thread(() -> {
                try {
                    newRunner.run();
                } finally {
                    runners.remove(uid);
                    threads.remove(uid);
                }
            });
            threads.put(uid, thread);
            thread.start();
        }
    }
}
