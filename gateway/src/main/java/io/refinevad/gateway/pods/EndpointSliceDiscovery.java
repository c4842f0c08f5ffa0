package io.refinevad.gateway.pods;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.logging.Log;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods of a headless Service, from its EndpointSlices, watched (an informer: one list, then the API server's
 * changes, relisted by the client when the watch breaks). Each endpoint is a pod at its first address on the slice's
 * port named {@code grpc}; its {@code ready} condition says whether it takes new streams (unset counts as ready, as
 * Kubernetes defines it); an endpoint that leaves every slice is removed. Pods' admin ports are not in the Service:
 * every pod has {@code adminPort}.
 */
public final class EndpointSliceDiscovery implements PodDiscovery, AutoCloseable {
    /** The label Kubernetes puts on a Service's EndpointSlices. */
    static final String SERVICE_LABEL = "kubernetes.io/service-name";
    static final String PORT_NAME = "grpc";

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final int adminPort;
    /** Each slice's pods and whether each is ready, as last told to the listener. */
    private final Map<String, Map<Pod, Boolean>> slices = new HashMap<>();
    private PodListener listener;
    private volatile SharedIndexInformer<EndpointSlice> informer;

    public EndpointSliceDiscovery(KubernetesClient client, String namespace, String service, int adminPort) {
        this.client = client;
        this.namespace = namespace;
        this.service = service;
        this.adminPort = adminPort;
    }

    @Override
    public void start(PodListener listener) {
        this.listener = listener;
        Log.infof("scoring pods from the EndpointSlices of Service %s/%s", namespace, service);
        informer = client.discovery().v1().endpointSlices().inNamespace(namespace).withLabel(SERVICE_LABEL, service)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(EndpointSlice slice) {
                        update(slice.getMetadata().getName(), pods(slice));
                    }

                    @Override
                    public void onUpdate(EndpointSlice before, EndpointSlice slice) {
                        update(slice.getMetadata().getName(), pods(slice));
                    }

                    @Override
                    public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
                        update(slice.getMetadata().getName(), Map.of());
                    }
                });
    }

    /** Tells the listener what changed in one slice: pods gone, and the readiness of every pod it still has. */
    private synchronized void update(String sliceName, Map<Pod, Boolean> now) {
        Map<Pod, Boolean> before = Optional.ofNullable(slices.put(sliceName, now)).orElse(Map.of());
        before.keySet().stream().filter(pod -> !now.containsKey(pod) && !inAnotherSlice(pod))
                .forEach(listener::removed);
        now.forEach((pod, ready) -> {
            if (!ready.equals(before.get(pod))) {
                if (ready) {
                    listener.ready(pod);
                } else {
                    listener.notReady(pod);
                }
            }
        });
        if (now.isEmpty()) {
            slices.remove(sliceName);
        }
    }

    private boolean inAnotherSlice(Pod pod) {
        return slices.values().stream().anyMatch(pods -> pods.containsKey(pod));
    }

    private Map<Pod, Boolean> pods(EndpointSlice slice) {
        Optional<Integer> port = Optional.ofNullable(slice.getPorts()).orElse(List.of()).stream()
                .filter(candidate -> PORT_NAME.equals(candidate.getName())).map(EndpointPort::getPort).findFirst();
        Map<Pod, Boolean> pods = new HashMap<>();
        if (port.isEmpty() || slice.getEndpoints() == null) {
            return pods;
        }
        for (Endpoint endpoint : slice.getEndpoints()) {
            if (endpoint.getAddresses() != null && !endpoint.getAddresses().isEmpty()) {
                boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                        || endpoint.getConditions().getReady();
                pods.put(new Pod(endpoint.getAddresses().get(0), port.get(), adminPort), ready);
            }
        }
        return pods;
    }

    @Override
    public boolean listed() {
        SharedIndexInformer<EndpointSlice> watching = informer;
        return watching != null && watching.hasSynced();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        client.close();
    }
}
