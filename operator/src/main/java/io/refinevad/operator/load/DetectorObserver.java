package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.dependent.DetectorResources;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The observe step: the detector's Deployment (from the dependent's cache), its own pods (not every pod that carries
 * its labels: {@link ScoringPodOwnership}), and a load report from each pod that is Ready or draining (a pod that
 * stops being Ready because it drains still holds streams); the gateway's Deployment rides along for the status.
 */
public class DetectorObserver {

    private final KubernetesClient client;
    private final ScoringPodOwnership ownership;
    private final PodLoadProbe probe;

    public DetectorObserver(KubernetesClient client, PodLoadProbe probe) {
        this.client = client;
        this.ownership = new ScoringPodOwnership(client);
        this.probe = probe;
    }

    /**
     * @param deployment the scoring Deployment, from the dependent's cache
     * @param gateway the gateway's Deployment, from its dependent's cache: passed on for the status
     */
    public DetectorObservation observe(AnomalyDetector detector, Optional<Deployment> deployment,
            Optional<Deployment> gateway) {
        List<Pod> pods = ownership.owned(detector, deployment, client.pods()
                .inNamespace(detector.getMetadata().getNamespace())
                .withLabels(DetectorResources.podSelector(detector)).list().getItems());
        List<Pod> relevant = pods.stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null || isRunning(pod))
                .toList();
        Map<String, LoadReport> reports = probe.reports(relevant.stream().filter(DetectorObserver::isRunning).toList());
        List<ObservedPod> observed = relevant.stream()
                .map(pod -> new ObservedPod(pod, isReady(pod),
                        Optional.ofNullable(reports.get(pod.getMetadata().getName()))))
                .toList();
        return new DetectorObservation(deployment, observed, gateway);
    }

    static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static boolean isRunning(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
    }
}
