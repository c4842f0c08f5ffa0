package io.refinevad.e2e.nodeagent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one pod on this node, on its own thread, the way a kubelet's pod worker does: an address, the volumes, the
 * init containers one after another to completion, then the containers with restarts, back-off and probes, and the
 * pod status after every change. When the pod is deleted it stops the containers within the grace period, frees
 * the address and removes the pod from the API server.
 */
final class PodRunner implements Runnable {

    private static final Duration TICK = Duration.ofMillis(250);

    private final Pod pod;
    private final Path podDir;
    private final NodeServices node;
    private final List<ContainerRunner> initContainers = new ArrayList<>();
    private final List<ContainerRunner> containers = new ArrayList<>();
    private final Map<String, MountTable> mountsByContainer = new HashMap<>();
    /** The environment each container was started with; exec probes run in it without reading the API again. */
    private final Map<String, Map<String, String>> environmentByContainer = new HashMap<>();
    private final PodStatusReport report;
    private final AtomicReference<Duration> terminationRequest = new AtomicReference<>();
    private String podIp;
    private int nextInit;

    /** What a pod runner needs from its node: API access, the image catalog, addresses and the probe runner. */
    record NodeServices(io.fabric8.kubernetes.client.KubernetesClient client, ImageCatalog images,
            PodAddressPool addresses, ContainerEnvironment environment, PodVolumes volumes, ProbeRunner probes,
            PodEvents events) {
    }

    PodRunner(Pod pod, Path podsDir, NodeServices node) {
        this.pod = pod;
        this.node = node;
        var metadata = pod.getMetadata();
        this.podDir = podsDir.resolve(metadata.getNamespace() + "_" + metadata.getName() + "_" + metadata.getUid());
        for (Container container : pod.getSpec().getInitContainers()) {
            initContainers.add(new ContainerRunner(container, logFile(container)));
        }
        for (Container container : pod.getSpec().getContainers()) {
            containers.add(new ContainerRunner(container, logFile(container)));
        }
        this.report = new PodStatusReport(node.client(), pod);
    }

    String key() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** Asks the runner to stop the pod: called from the watch thread when the pod gets a deletion timestamp. */
    void requestTermination(Duration gracePeriod) {
        terminationRequest.compareAndSet(null, gracePeriod);
    }

    @Override
    public void run() {
        Thread.currentThread().setName("pod " + key());
        try {
            podIp = node.addresses().allocate();
            report.publish(this);
            while (terminationRequest.get() == null && !prepareVolumes()) {
                report.publish(this);
                Thread.sleep(2000);
            }
            boolean finished = false;
            while (terminationRequest.get() == null) {
                if (!finished) {
                    finished = step(Instant.now());
                }
                report.publish(this);
                Thread.sleep(TICK.toMillis());
            }
            terminate(terminationRequest.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(Duration.ZERO);
        } catch (IOException | RuntimeException e) {
            System.err.println("node-agent: pod " + key() + " failed: " + e);
            report.failed(this, e.getMessage());
            awaitTerminationRequest();
            stopQuietly(Duration.ZERO);
            report.remove();
        } finally {
            if (podIp != null) {
                node.addresses().release(podIp);
            }
        }
    }

    /** One pass of the pod's state machine; returns true once the pod has finished for good. */
    private boolean step(Instant now) throws InterruptedException {
        if (nextInit < initContainers.size()) {
            ContainerRunner init = initContainers.get(nextInit);
            if (init.mayStart(now)) {
                startContainer(init);
            }
            Integer exitCode = init.pollExit();
            if (exitCode != null) {
                if (exitCode == 0) {
                    nextInit++;
                } else if (restartPolicy().equals("Never")) {
                    return true;
                } else {
                    init.scheduleRestart(now);
                }
            }
            return false;
        }
        boolean anyActive = false;
        for (ContainerRunner container : containers) {
            if (container.mayStart(now) && !(container.hasRun() && isFinished(container))) {
                startContainer(container);
            }
            String probeFailure = container.probe(now, probe -> node.probes().succeeds(probe, container.spec(), podIp,
                    environmentByContainer.get(container.name()), mountsByContainer.get(container.name()),
                    workingDir(container)));
            if (probeFailure != null) {
                node.events().warning(pod, container.name(), "Unhealthy", probeFailure);
                node.events().normal(pod, container.name(), "Killing", "Container " + container.name() + " "
                        + probeFailure + ", will be restarted");
                container.stop(gracePeriod(), "Error");
                container.scheduleRestart(now);
            }
            Integer exitCode = container.pollExit();
            if (exitCode != null && shouldRestart(exitCode)) {
                container.scheduleRestart(now);
                if (exitCode != 0) {
                    node.events().warning(pod, container.name(), "BackOff", "Back-off restarting failed container "
                            + container.name() + " (exit code " + exitCode + ")");
                }
            }
            anyActive |= !isFinished(container);
        }
        return !anyActive;
    }

    boolean isFinished(ContainerRunner container) {
        Integer exitCode = container.lastExitCode();
        return !container.isRunning() && exitCode != null && !shouldRestart(exitCode)
                && container.hasRun();
    }

    private boolean shouldRestart(int exitCode) {
        return switch (restartPolicy()) {
            case "Never" -> false;
            case "OnFailure" -> exitCode != 0;
            default -> true;
        };
    }

    private void startContainer(ContainerRunner container) {
        Optional<List<String>> entrypoint = node.images().entrypoint(container.spec().getImage(), podIp);
        if (entrypoint.isEmpty()) {
            cannotStart(container, "ErrImagePull", node.images().describeMissing(container.spec().getImage()));
            return;
        }
        try {
            Map<String, String> env = environment(container);
            environmentByContainer.put(container.name(), env);
            // The pod's own words (command, args) may name mount paths; the catalog's entrypoint names files of
            // this host (the "image"), which must stay as they are even under a mount path such as /tmp.
            List<String> podWords = new ArrayList<>(container.spec().getCommand());
            podWords.addAll(container.spec().getArgs());
            podWords.replaceAll(word -> ContainerEnvironment.expand(word, env));
            List<String> command = new ArrayList<>(container.spec().getCommand().isEmpty()
                    ? entrypoint.get() : List.of());
            command.addAll(mountsByContainer.get(container.name()).rewrite(podWords));
            if (command.isEmpty()) {
                cannotStart(container, "CreateContainerError", "image " + container.spec().getImage()
                        + " has no entrypoint in the node agent's catalog and the container gives no command");
                return;
            }
            container.start(command, env, workingDir(container));
            node.events().normal(pod, container.name(), "Started", "Started container " + container.name());
        } catch (IOException | RuntimeException e) {
            cannotStart(container, "CreateContainerConfigError", e.getMessage());
        }
    }

    private void cannotStart(ContainerRunner container, String reason, String message) {
        if (container.cannotStart(reason, message)) {
            node.events().warning(pod, container.name(), "Failed", "Error: " + reason + ": " + message);
        }
    }

    private Map<String, String> environment(ContainerRunner container) {
        return node.environment().build(pod, container.spec(), podIp, mountsByContainer.get(container.name()),
                podDir.resolve("home").resolve(container.name()));
    }

    private Path workingDir(ContainerRunner container) {
        String requested = container.spec().getWorkingDir();
        MountTable mounts = mountsByContainer.get(container.name());
        if (requested != null && !mounts.rewrite(requested).equals(requested)) {
            return Path.of(mounts.rewrite(requested));
        }
        return podDir.resolve("home").resolve(container.name());
    }

    /** Writes the volumes and each container's mount table; false while a source (configmap, secret) is missing. */
    private boolean prepareVolumes() throws IOException {
        Map<String, Path> volumes;
        try {
            volumes = node.volumes().materialize(pod, podDir.resolve("volumes"));
        } catch (PodVolumes.MissingSourceException e) {
            report.waitingForVolumes(this, e.getMessage());
            return false;
        }
        List<ContainerRunner> all = new ArrayList<>(initContainers);
        all.addAll(containers);
        for (ContainerRunner container : all) {
            MountTable mounts = new MountTable();
            for (VolumeMount mount : container.spec().getVolumeMounts()) {
                Path volume = volumes.get(mount.getName());
                if (volume == null) {
                    throw new IOException("container " + container.name() + " mounts unknown volume "
                            + mount.getName());
                }
                String subPath = Objects.requireNonNullElse(mount.getSubPath(), "");
                mounts.add(mount.getMountPath(), subPath.isEmpty() ? volume : volume.resolve(subPath));
            }
            mountsByContainer.put(container.name(), mounts);
        }
        report.volumesReady();
        return true;
    }

    private void terminate(Duration gracePeriod) throws InterruptedException {
        stopQuietly(gracePeriod);
        report.publish(this);
        deleteVolumes();
        report.remove();
    }

    private void stopQuietly(Duration gracePeriod) {
        List<Thread> stoppers = new ArrayList<>();
        List<ContainerRunner> all = new ArrayList<>(initContainers);
        all.addAll(containers);
        for (ContainerRunner container : all) {
            if (container.isRunning()) {
                node.events().normal(pod, container.name(), "Killing", "Stopping container " + container.name());
            }
            Thread stopper = new Thread(() -> {
                try {
                    container.stop(gracePeriod, "Completed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop " + key() + "/" + container.name());
            stopper.start();
            stoppers.add(stopper);
        }
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitTerminationRequest() {
        while (terminationRequest.get() == null) {
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Secrets and tokens go with the pod; its logs stay for the test report until the cluster is torn down. */
    private void deleteVolumes() {
        Path volumes = podDir.resolve("volumes");
        if (!Files.exists(volumes)) {
            return;
        }
        try (var paths = Files.walk(volumes)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("node-agent: could not delete the volumes of " + key() + ": " + e.getMessage());
        }
    }

    String restartPolicy() {
        return Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
    }

    private Duration gracePeriod() {
        return Duration.ofSeconds(Objects.requireNonNullElse(pod.getSpec().getTerminationGracePeriodSeconds(), 30L));
    }

    private Path logFile(Container container) {
        return podDir.resolve("logs").resolve(container.getName() + ".log");
    }

    // Read by PodStatusReport.
    String podIp() {
        return podIp;
    }

    List<ContainerRunner> initContainers() {
        return initContainers;
    }

    List<ContainerRunner> containers() {
        return containers;
    }

    boolean initialized() {
        return nextInit >= initContainers.size();
    }
}
