package io.refinevad.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.load.DetectorObservation;
import io.refinevad.operator.load.ObservedPod;
import io.refinevad.operator.load.PodUndrainer;
import io.refinevad.operator.load.UnaskedDrains;
import org.jboss.logging.Logger;

/**
 * Makes a drain reversible: a pod that drains although nobody is deleting it (see {@link UnaskedDrains}) is
 * undrained; if Undrain fails, the pod is evicted so that the Deployment replaces it. Each is an Event on the
 * detector and counted (refinevad_operator_unasked_drains). Eviction, not deletion, because it honours the
 * detector's PodDisruptionBudget; a refused eviction is tried again on the next pass.
 */
public class UnaskedDrainReversal {

    private static final Logger LOG = Logger.getLogger(UnaskedDrainReversal.class);

    private final PodUndrainer undrainer;
    private final KubernetesClient client;
    private final DetectorEvents events;
    private final OperatorMetrics metrics;

    public UnaskedDrainReversal(PodUndrainer undrainer, KubernetesClient client, DetectorEvents events,
            OperatorMetrics metrics) {
        this.undrainer = undrainer;
        this.client = client;
        this.events = events;
        this.metrics = metrics;
    }

    public void reverse(AnomalyDetector detector, DetectorObservation observation) {
        for (ObservedPod pod : UnaskedDrains.in(observation)) {
            PodUndrainer.Result result = undrainer.undrain(pod.pod());
            switch (result.outcome()) {
                case UNDRAINED -> {
                    events.normal(detector, "Undrained", "pod " + pod.name() + " was draining although nobody "
                            + "was deleting it; undrained it, so it takes new streams again");
                    metrics.unaskedDrain("undrained");
                }
                case SHUTTING_DOWN -> LOG.debugf("pod %s drains because it is shutting down: %s", pod.name(),
                        result.detail());
                case FAILED -> evict(detector, pod, result.detail());
            }
        }
    }

    private void evict(AnomalyDetector detector, ObservedPod pod, String why) {
        boolean evicted;
        try {
            evicted = client.pods().inNamespace(detector.getMetadata().getNamespace()).withName(pod.name()).evict();
        } catch (KubernetesClientException e) {
            evicted = false;
            why = why + "; eviction failed: " + e.getMessage();
        }
        if (evicted) {
            events.warning(detector, "DrainedPodEvicted", "pod " + pod.name() + " was draining although nobody "
                    + "was deleting it, and Undrain failed (" + why + "); evicted it so the Deployment replaces it");
            metrics.unaskedDrain("evicted");
        } else {
            // No event: the next pass tries again, and an event each pass would bury the others.
            LOG.warnf("pod %s drains although nobody is deleting it, Undrain failed (%s), and its eviction was "
                    + "refused (its PodDisruptionBudget?); trying again on the next pass", pod.name(), why);
            metrics.unaskedDrain("eviction-refused");
        }
    }
}
