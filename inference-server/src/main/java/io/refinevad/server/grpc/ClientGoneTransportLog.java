package io.refinevad.server.grpc;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * grpc-java's Netty server logs a WARNING with a stack trace ("Stream Error ... Stream closed before write could
 * take place") for every stream whose client went away while answers were still queued in the transport. A client
 * going away is normal, and StreamSession counts the answers it could not deliver; here that record becomes one
 * DEBUG line without a stack trace. Every other stream error keeps its WARNING.
 */
@Startup
@Singleton
public class ClientGoneTransportLog {
    /** Held here: java.util.logging keeps loggers weakly, and a collected logger would lose its filter. */
    private static final Logger NETTY_SERVER = Logger.getLogger("io.grpc.netty.NettyServerHandler");

    public ClientGoneTransportLog() {
        NETTY_SERVER.setFilter(ClientGoneTransportLog::isLoggable);
    }

    static boolean isLoggable(LogRecord record) {
        for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause()) {
            if (cause instanceof Http2Exception.StreamException closed && closed.error() == Http2Error.STREAM_CLOSED) {
                Log.debugf("a client went away with answers still in the transport (HTTP/2 stream %d)",
                        closed.streamId());
                return false;
            }
        }
        return true;
    }
}
