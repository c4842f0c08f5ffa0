package io.refinevad.server.events.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bearer token the receiver wants, from a file (a mounted Secret). Read at every delivery: Kubernetes updates a
 * mounted Secret in place, so a rotated token is used from the next request on without a restart, and one small read
 * per request costs nothing next to the request. The token itself is never logged, nor put in an exception.
 */
final class BearerToken {
    private final Path file;

    BearerToken(Path file) {
        this.file = file;
    }

    String read() throws IOException {
        String token = Files.readString(file).strip();
        if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IOException(WebhookSettings.PREFIX + ".token-file " + file
                    + " holds no token, or characters that an HTTP header cannot carry");
        }
        return token;
    }
}
