package io.refinevad.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.refinevad.e2e.cluster.RestrictedProfile;

/**
 * What the bed's own tests run in their pods: the product's images, which the real node imports from build/images
 * (there is nothing to pull). The model fetcher's is the smallest, with Debian's Essential set (sh, coreutils,
 * perl) for the tests' one-line servers and probes.
 */
final class BedImages {

    static final String SHELL = "ghcr.io/refinevad/model-fetcher:0.1.0";
    static final String SCORING_SERVER = "ghcr.io/refinevad/inference-server:0.1.0";

    private BedImages() {
    }

    /**
     * A container of the shell image serving HTTP 200 on the port (perl, one connection at a time), named http,
     * with the restricted profile's context.
     */
    static Container httpServer(int port) {
        return new ContainerBuilder().withName("http").withImage(SHELL)
                .withCommand("perl", "-MIO::Socket::INET", "-e", """
                        $| = 1;
                        my $server = IO::Socket::INET->new(LocalPort => %d, Listen => 8, ReuseAddr => 1)
                            or die "listen: $!";
                        print "listening on %d\\n";
                        while (my $client = $server->accept) {
                            <$client>;
                            print $client "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello\\n";
                            close $client;
                        }
                        """.formatted(port, port))
                .addNewPort().withName("http").withContainerPort(port).endPort()
                .withSecurityContext(RestrictedProfile.container())
                .build();
    }
}
