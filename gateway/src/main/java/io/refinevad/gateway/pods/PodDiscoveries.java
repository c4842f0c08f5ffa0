package io.refinevad.gateway.pods;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.refinevad.gateway.GatewayConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/** The gateway's PodDiscovery, from its configuration: the headless Service's EndpointSlices, or the static list. */
@Singleton
public class PodDiscoveries {

    @Produces
    @Singleton
    PodDiscovery discovery(GatewayConfig config) {
        GatewayConfig.Pods pods = config.pods();
        if (pods.service().isPresent()) {
            var client = new KubernetesClientBuilder().build();  // in a pod: its service account; else kubeconfig
            return new EndpointSliceDiscovery(client, pods.namespace().orElse(client.getNamespace()),
                    pods.service().get(), pods.adminPort());
        }
        return new StaticPodList(pods.staticList().orElse(List.of()), pods.adminPort());
    }
}
