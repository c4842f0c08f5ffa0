package io.refinevad.gateway.pods;

import io.refinevad.gateway.GatewayConfig;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * A fixed list of pods from the configuration (refinevad.gateway.pods.static), all taken as Ready: their load
 * reports tell which of them can take streams.
 */
@Singleton
public class StaticPodList implements PodDiscovery {
    private final List<Pod> pods;

    public StaticPodList(GatewayConfig config) {
        int adminPort = config.pods().adminPort();
        this.pods = config.pods().staticList().orElse(List.of()).stream()
                .map(entry -> Pod.parse(entry, adminPort)).toList();
    }

    @Override
    public void start(PodListener listener) {
        pods.forEach(listener::ready);
    }
}
