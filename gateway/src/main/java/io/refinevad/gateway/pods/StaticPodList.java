package io.refinevad.gateway.pods;

import java.util.List;

/**
 * A fixed list of pods from the configuration (refinevad.gateway.pods.static), all taken as Ready: their load
 * reports tell which of them can take streams.
 */
final class StaticPodList implements PodDiscovery {
    private final List<Pod> pods;
    private volatile boolean listed;

    StaticPodList(List<String> entries, int adminPort) {
        this.pods = entries.stream().map(entry -> Pod.parse(entry, adminPort)).toList();
    }

    @Override
    public void start(PodListener listener) {
        pods.forEach(listener::ready);
        listed = true;
    }

    @Override
    public boolean listed() {
        return listed;
    }
}
