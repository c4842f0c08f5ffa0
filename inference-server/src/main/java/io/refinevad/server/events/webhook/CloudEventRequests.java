package io.refinevad.server.events.webhook;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.refinevad.api.events.PhaseNames;
import io.refinevad.api.v1.AnomalyEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * An anomaly event as a CloudEvents 1.0 HTTP request in binary content mode: the context attributes in ce- headers
 * (percent-encoded as the HTTP binding asks of string values), the AnomalyEvent itself in the body as protobuf's
 * JSON (the proto's JSON names, every field present, 64-bit numbers as strings).
 */
final class CloudEventRequests {
    /**
     * The AnomalyDetector custom resource's API path. Its group, version and plural are those of
     * io.refinevad.operator.crd.AnomalyDetector (@Group, @Version, @Plural), which the server does not depend on:
     * change them together.
     */
    static final String DETECTORS_API = "/apis/refinevad.io/v1alpha1/namespaces/%s/anomalydetectors/%s";
    /** ce-source of a server outside Kubernetes (no refinevad.events.detector); ce-id is unique on its own. */
    static final String SERVER_SOURCE = "urn:refinevad:inference-server";
    static final String TYPE_PREFIX = "io.refinevad.anomaly.";
    private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final URI target;
    private final Duration timeout;
    private final String source;
    private final Optional<BearerToken> token;

    CloudEventRequests(URI target, Duration timeout, String source, Optional<BearerToken> token) {
        this.target = target;
        this.timeout = timeout;
        this.source = headerValue(source);
        this.token = token;
    }

    /**
     * ce-source for the events of a detector given as namespace/name: the detector's API path, a URI reference a
     * receiver can follow back to it; the server's URN when there is no detector.
     */
    static String source(Optional<String> detector) {
        return detector.map(CloudEventRequests::detectorPath).orElse(SERVER_SOURCE);
    }

    private static String detectorPath(String detector) {
        String[] parts = detector.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("refinevad.events.detector must be namespace/name; got '" + detector + "'");
        }
        return String.format(DETECTORS_API, parts[0], parts[1]);
    }

    /**
     * ce-id: unique per delivered event. The event_id is shared by every phase of one anomaly; an anomaly has one
     * event per phase and last segment (two UPDATED events never end on the same segment).
     */
    static String id(AnomalyEvent event) {
        return event.getEventId() + "-" + PhaseNames.of(event.getPhase()) + "-" + event.getLastSequence();
    }

    /** The request for one event; reads the token file, if there is one, so that a rotated token is used. */
    HttpRequest request(QueuedEvent queued) throws IOException {
        AnomalyEvent event = queued.event();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("ce-specversion", "1.0")
                .header("ce-id", headerValue(id(event)))
                .header("ce-source", source)
                .header("ce-type", TYPE_PREFIX + PhaseNames.of(event.getPhase()))
                .header("ce-subject", headerValue(event.getStreamId()))
                .header("ce-time", queued.time().toString())
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(json(event), StandardCharsets.UTF_8));
        if (token.isPresent()) {
            request.header("Authorization", "Bearer " + token.get().read());
        }
        return request.build();
    }

    private static String json(AnomalyEvent event) {
        try {
            return JSON.print(event);
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields, which AnomalyEvent does not have, can fail to print.
            throw new IllegalStateException(e);
        }
    }

    /**
     * A string attribute as an HTTP header value: space, '"', '%' and everything outside printable ASCII as %XX of
     * its UTF-8 bytes (CloudEvents HTTP binding 3.1.3.2). A stream id may hold any character.
     */
    static String headerValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
