package io.refinevad.testsupport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A call that sends bytes exactly as given, valid protobuf or not, on any method of the server: what a careless
 * or hostile client can put on the wire. It records the messages it reads (or hands each to a watcher, for a call
 * too long to keep them all) and how the call ended. The server's tests and the soak in bench/ both send with it.
 */
public final class RawCall extends ClientCall.Listener<byte[]> {
    public static final String STREAM_SCORES = "refinevad.v1.Scoring/StreamScores";

    private final List<byte[]> responses = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final Consumer<byte[]> watcher;
    private final ClientCall<byte[], byte[]> call;

    private RawCall(Channel channel, String fullMethodName, MethodDescriptor.MethodType type, CallOptions options,
                    int responsesToRead, Consumer<byte[]> watcher) {
        this.watcher = watcher != null ? watcher : responses::add;
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setFullMethodName(fullMethodName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        call = channel.newCall(method, options);
        call.start(this, new Metadata());
        call.request(responsesToRead);
    }

    public static RawCall unary(Channel channel, String fullMethodName) {
        return of(channel, fullMethodName, MethodDescriptor.MethodType.UNARY, CallOptions.DEFAULT);
    }

    /** A call of any type on any method, reading every response. */
    public static RawCall of(Channel channel, String fullMethodName, MethodDescriptor.MethodType type,
                             CallOptions options) {
        return new RawCall(channel, fullMethodName, type, options, Integer.MAX_VALUE, null);
    }

    public static RawCall stream(Channel channel, CallOptions options) {
        return of(channel, STREAM_SCORES, MethodDescriptor.MethodType.BIDI_STREAMING, options);
    }

    /** A stream whose responses go to the watcher as they come (on the transport's thread), none kept here. */
    public static RawCall stream(Channel channel, CallOptions options, Consumer<byte[]> watcher) {
        return new RawCall(channel, STREAM_SCORES, MethodDescriptor.MethodType.BIDI_STREAMING, options,
                Integer.MAX_VALUE, watcher);
    }

    /** A stream whose client reads the first response (StreamOpened) and no other, as a stuck camera does. */
    public static RawCall streamReadingOnlyTheFirst(Channel channel) {
        return new RawCall(channel, STREAM_SCORES, MethodDescriptor.MethodType.BIDI_STREAMING, CallOptions.DEFAULT,
                1, null);
    }

    /** Sends one message; several threads may send on one call (a ClientCall takes one at a time). */
    public synchronized RawCall send(byte[] message) {
        call.sendMessage(message);
        return this;
    }

    public synchronized RawCall halfClose() {
        call.halfClose();
        return this;
    }

    public RawCall cancel() {
        call.cancel("the client went away", null);
        return this;
    }

    /** The responses read so far (none for a call with a watcher). */
    public List<byte[]> responses() {
        return responses;
    }

    /** Completes with the status the call ended with. */
    public CompletableFuture<Status> ended() {
        return ended;
    }

    public Status await() throws Exception {
        return ended.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void onMessage(byte[] message) {
        watcher.accept(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        ended.complete(status);
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
