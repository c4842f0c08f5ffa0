package io.refinevad.server.grpc;

import io.smallrye.config.ConfigMapping;

/**
 * Where the admin plane (refinevad.v1.Admin: load reports, drain, undrain) listens: its own port, which the
 * detector's Services do not expose, so that a client that can score on this server cannot drain it. The values are
 * in application.properties (port 9002; the host follows quarkus.grpc.server.host).
 */
@ConfigMapping(prefix = "refinevad.admin")
public interface AdminEndpoint {

    String host();

    int port();

    /** Where a method of refinevad.v1.Admin is served, for the messages of the RPCs that moved there. */
    default String describe(String method) {
        return "refinevad.v1.Admin/" + method + " on the admin port " + port() + " (refinevad.admin.port)";
    }
}
