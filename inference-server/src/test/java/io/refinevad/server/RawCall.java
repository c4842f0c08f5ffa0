package io.refinevad.server;

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

/**
 * A call that sends bytes exactly as given, valid protobuf or not, on any method of the server: what a careless
 * or hostile client can put on the wire. It records the messages it reads and how the call ended.
 */
final class RawCall extends ClientCall.Listener<byte[]> {
    final List<byte[]> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    private final ClientCall<byte[], byte[]> call;

    private RawCall(Channel channel, String fullMethodName, MethodDescriptor.MethodType type, CallOptions options,
                    int responsesToRead) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setFullMethodName(fullMethodName).setType(type)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        call = channel.newCall(method, options);
        call.start(this, new Metadata());
        call.request(responsesToRead);
    }

    static RawCall unary(Channel channel, String fullMethodName) {
        return new RawCall(channel, fullMethodName, MethodDescriptor.MethodType.UNARY, CallOptions.DEFAULT,
                Integer.MAX_VALUE);
    }

    /** A call of any type on any method, reading every response. */
    static RawCall of(Channel channel, String fullMethodName, MethodDescriptor.MethodType type, CallOptions options) {
        return new RawCall(channel, fullMethodName, type, options, Integer.MAX_VALUE);
    }

    static RawCall stream(Channel channel, CallOptions options) {
        return new RawCall(channel, "refinevad.v1.Scoring/StreamScores", MethodDescriptor.MethodType.BIDI_STREAMING,
                options, Integer.MAX_VALUE);
    }

    /** A stream whose client reads the first response (StreamOpened) and no other, as a stuck camera does. */
    static RawCall streamReadingOnlyTheFirst(Channel channel) {
        return new RawCall(channel, "refinevad.v1.Scoring/StreamScores", MethodDescriptor.MethodType.BIDI_STREAMING,
                CallOptions.DEFAULT, 1);
    }

    RawCall send(byte[] message) {
        call.sendMessage(message);
        return this;
    }

    RawCall halfClose() {
        call.halfClose();
        return this;
    }

    RawCall cancel() {
        call.cancel("the client went away", null);
        return this;
    }

    Status await() throws Exception {
        return ended.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void onMessage(byte[] message) {
        responses.add(message);
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
