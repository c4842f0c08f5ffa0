package io.refinevad.gateway.pods;

/** One scoring pod: where cameras' streams go ({@code port}) and where its load report is read ({@code adminPort}). */
public record Pod(String host, int port, int adminPort) {

    /**
     * {@code host:port} or {@code host:port:admin-port}; a pod that names no admin port has {@code defaultAdminPort}.
     * Host names and IPv4 addresses only.
     */
    public static Pod parse(String entry, int defaultAdminPort) {
        String[] parts = entry.trim().split(":");
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("scoring pod '" + entry + "' is not host:port or host:port:admin-port");
        }
        return new Pod(parts[0], port(entry, parts[1]), parts.length == 3 ? port(entry, parts[2]) : defaultAdminPort);
    }

    private static int port(String entry, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException("scoring pod '" + entry + "' has port '" + text + "', not 1 to 65535");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
