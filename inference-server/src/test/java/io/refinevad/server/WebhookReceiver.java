package io.refinevad.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.refinevad.api.v1.AnomalyEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/** A webhook receiver for the tests: a JDK HTTP server that records every request and answers as a test says. */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String method, String path, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }

        /** The body read back as the AnomalyEvent it carries. */
        AnomalyEvent event() {
            AnomalyEvent.Builder event = AnomalyEvent.newBuilder();
            try {
                JsonFormat.parser().merge(body, event);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("not an AnomalyEvent as JSON: " + body, e);
            }
            return event.build();
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ToIntFunction<Request> status;

    private WebhookReceiver(int port, ToIntFunction<Request> status) throws IOException {
        this.status = status;
        this.server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver on the port that takes every event (200). */
    static WebhookReceiver on(int port) throws IOException {
        return new WebhookReceiver(port, request -> 200);
    }

    /** A receiver on a port of its own choice that answers each request with the status the function gives. */
    static WebhookReceiver answering(ToIntFunction<Request> status) throws IOException {
        return new WebhookReceiver(0, status);
    }

    /** A port nothing listens on (just now): where a receiver that is down would be. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort() + "/events";
    }

    /** Every request so far, refused ones too, in the order they arrived. */
    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            exchange.sendResponseHeaders(status.applyAsInt(request), -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
