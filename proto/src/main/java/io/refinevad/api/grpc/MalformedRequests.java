package io.refinevad.api.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.lang.System.Logger.Level;

/**
 * A request that is not valid protobuf (a truncated varint, a bad wire type, tag zero, groups nested too deep) ends
 * its call with INVALID_ARGUMENT "malformed request: ...", in one DEBUG line. Left to grpc-java, the parse error
 * escapes the call as UNKNOWN "Application error processing RPC" with a stack trace, and the handler is never told
 * that the call ended, so a stream kept its slot.
 *
 * <p>How: each method parses its requests with a marshaller that never throws but hands over either the message or
 * what was wrong with it. A malformed message then reaches the handler as the end of the client's input (so a
 * stream answers what it had accepted and releases its slot through its usual path), and the status the handler
 * ends the call with is replaced by INVALID_ARGUMENT.
 *
 * <p>Shared by the scoring server and the gateway ({@link MalformedRequestGuard}), so that a camera gets the same
 * answer for the same bytes from either.
 */
final class MalformedRequests {
    private static final System.Logger LOG = System.getLogger(MalformedRequests.class.getName());

    private MalformedRequests() {
    }

    /** The method guarded: its requests parsed by a marshaller that never throws, its end status chosen here. */
    static <Q, A> ServerMethodDefinition<?, A> guarded(ServerMethodDefinition<Q, A> definition) {
        MethodDescriptor<Q, A> method = definition.getMethodDescriptor();
        MethodDescriptor<Parsed<Q>, A> tolerant = method.toBuilder(new TolerantMarshaller<>(
                method.getRequestMarshaller()), method.getResponseMarshaller()).build();
        ServerCallHandler<Q, A> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(tolerant, (call, headers) -> {
            GuardedCall<Q, A> guarded = new GuardedCall<>(call, method);
            return guarded.listener(handler.startCall(guarded, headers));
        });
    }

    /** A request as it came off the wire: the message, or what made it unreadable. */
    private record Parsed<Q>(Q message, String problem) {
    }

    private record TolerantMarshaller<Q>(MethodDescriptor.Marshaller<Q> strict)
            implements MethodDescriptor.Marshaller<Parsed<Q>> {
        @Override
        public InputStream stream(Parsed<Q> value) {
            return strict.stream(value.message());
        }

        @Override
        public Parsed<Q> parse(InputStream stream) {
            try {
                return new Parsed<>(strict.parse(stream), null);
            } catch (StatusRuntimeException e) {
                // protobuf's own words (grpc-java wraps them in "Invalid protobuf byte sequence")
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return new Parsed<>(null, cause.getMessage());
            }
        }
    }

    /** The call as the handler sees it: requests parsed, and the end status chosen here if one was malformed. */
    private static final class GuardedCall<Q, A> extends ServerCall<Q, A> {
        private final ServerCall<Parsed<Q>, A> call;
        private final MethodDescriptor<Q, A> method;
        private volatile Status malformed;

        GuardedCall(ServerCall<Parsed<Q>, A> call, MethodDescriptor<Q, A> method) {
            this.call = call;
            this.method = method;
        }

        ServerCall.Listener<Parsed<Q>> listener(ServerCall.Listener<Q> handler) {
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(Parsed<Q> request) {
                    if (malformed != null) {
                        return;  // the input already ended at the malformed message
                    }
                    if (request.problem() == null) {
                        handler.onMessage(request.message());
                        return;
                    }
                    LOG.log(Level.DEBUG, () -> method.getFullMethodName() + ": malformed request: " + request.problem());
                    malformed = Status.INVALID_ARGUMENT.withDescription("malformed request: " + request.problem());
                    handler.onHalfClose();
                }

                @Override
                public void onHalfClose() {
                    if (malformed == null) {
                        handler.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    handler.onCancel();
                }

                @Override
                public void onComplete() {
                    handler.onComplete();
                }

                @Override
                public void onReady() {
                    handler.onReady();
                }
            };
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status end = malformed;
            call.close(end != null ? end : status, trailers);
        }

        @Override
        public void request(int count) {
            call.request(count);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(A message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, A> getMethodDescriptor() {
            return method;
        }
    }
}
