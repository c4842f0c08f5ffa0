package io.refinevad.server.events.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The receiver's URL, checked when the server starts rather than at its first event. */
final class WebhookUrl {
    private static final String PROPERTY = WebhookSettings.PREFIX + ".url";

    private WebhookUrl() {
    }

    /** The URL as a URI; an absolute http or https URL with a host, or an IllegalArgumentException naming the property. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // The reason and index, not the input: a webhook URL's path or query is often its secret.
            throw new IllegalArgumentException(PROPERTY + " is not a URL: " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(PROPERTY + " must be an absolute http or https URL with a host, such as"
                    + " http://alerts.example:8080/events; got scheme '" + scheme + "' and host '" + uri.getHost() + "'");
        }
        return uri;
    }

    /** Scheme, host and port: what logs may say about the receiver (its path or query may be a secret). */
    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
