package io.refinevad.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The gateway's settings (docs/GATEWAY.md, "Configuration"). */
@ConfigMapping(prefix = "refinevad.gateway")
public interface GatewayConfig {

    /** The detector whose scoring pods this gateway fronts: named in what cameras are told. */
    @WithDefault("refinevad")
    String detector();

    Pods pods();

    Streams streams();

    Rebalance rebalance();

    Tls tls();

    interface Pods {
        /**
         * The detector's headless Service: when set, the pods are the endpoints of its EndpointSlices (watched, Ready
         * ones take streams) on their port named {@code grpc}, instead of {@link #staticList()}.
         */
        Optional<String> service();

        /** The Service's namespace; unset: the namespace of the gateway's own pod (or of the kubeconfig). */
        Optional<String> namespace();

        /**
         * The scoring pods, as {@code host:port} (admin port {@link #adminPort()}) or {@code host:port:admin-port}:
         * for running beside pods outside a cluster, and for tests.
         */
        @WithName("static")
        Optional<List<String>> staticList();

        /** The admin port (refinevad.v1.Admin, load reports) of a pod that names none. */
        @WithDefault("9002")
        int adminPort();

        /** How often each pod's load report is read; between reports the gateway counts the streams it placed. */
        @WithDefault("2s")
        Duration loadReportPeriod();
    }

    interface Streams {
        /** Streams this gateway holds at once; beyond it new streams get RESOURCE_EXHAUSTED. */
        @WithDefault("1024")
        int limit();

        /**
         * Segments of one stream awaiting their answers at most. The gateway keeps them to send them again if
         * their pod fails, so this bounds its memory per stream (with the W - 1 answered ones a window needs).
         */
        @WithDefault("256")
        int maxInFlight();

        /** How long a stream that lost its pod waits for another one to be ready before it ends with UNAVAILABLE. */
        @WithDefault("10s")
        Duration moveTimeout();
    }

    /**
     * TLS on the gRPC port (docs/GATEWAY.md, "TLS"): unset, plaintext. The directories are Secrets mounted as volumes,
     * so their files change when the Secret rotates: they are read again every {@link #reloadPeriod()}.
     */
    interface Tls {
        /** A directory with tls.crt (the chain, leaf first) and tls.key (PEM): a kubernetes.io/tls Secret. */
        Optional<Path> certDir();

        /** A directory with ca.crt (PEM): when set, cameras must present a certificate it signed (mutual TLS). */
        Optional<Path> clientCaDir();

        /** How often the files are read again; a rotated certificate is served to new connections within it. */
        @WithDefault("30s")
        Duration reloadPeriod();
    }

    /** Moving streams to pods that became placeable after others took them (a surge): docs/GATEWAY.md. */
    interface Rebalance {
        /** Streams this gateway moves a second at most (each move pauses its stream briefly); 0: none. */
        @WithDefault("5")
        int movesPerSecond();

        /** How often the pods' loads are compared and moves planned: at most moves-per-second x period each time. */
        @WithDefault("1s")
        Duration period();
    }
}
