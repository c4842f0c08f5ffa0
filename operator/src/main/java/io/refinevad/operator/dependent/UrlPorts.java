package io.refinevad.operator.dependent;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The TCP ports an http(s) URL of a spec connects to, as the scoring pods' egress rules must name them. */
final class UrlPorts {

    static final int HTTPS = 443;
    static final int HTTP = 80;

    private UrlPorts() {
    }

    /** The port the URL names; empty when it names none, or is too broken to name one (its client refuses it too). */
    static Optional<Integer> named(String url) {
        try {
            int port = new URI(url).getPort();
            return port > 0 ? Optional.of(port) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Where a request to the URL goes: the port it names, else its scheme's. */
    static int of(String url) {
        return named(url).orElse(url.startsWith("http://") ? HTTP : HTTPS);
    }
}
