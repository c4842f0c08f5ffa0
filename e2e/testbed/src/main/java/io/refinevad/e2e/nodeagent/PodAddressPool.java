package io.refinevad.e2e.nodeagent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives each pod its own address, added to the loopback interface as a /32 so that only this machine reaches it.
 *
 * <p>Why not 127.0.0.x: the API server rejects loopback addresses in Endpoints and EndpointSlices ("may not be in
 * the loopback range"), so a Service would never get endpoints. An address from a private range, put on {@code lo},
 * is just as local and passes that validation. Adding it needs CAP_NET_ADMIN (root here and in CI).
 */
final class PodAddressPool {

    record Cidr(int base, int prefixLength) {
        static Cidr parse(String text) {
            String[] parts = text.split("/");
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 16 || prefix > 28) {
                throw new IllegalArgumentException("pod CIDR " + text + ": the prefix length must be 16..28");
            }
            int mask = -1 << (32 - prefix);
            return new Cidr(toInt(parts[0]) & mask, prefix);
        }

        int size() {
            return 1 << (32 - prefixLength);
        }

        boolean contains(String address) {
            return (toInt(address) & (-1 << (32 - prefixLength))) == base;
        }

        String address(int offset) {
            int value = base + offset;
            return (value >>> 24) + "." + ((value >>> 16) & 255) + "." + ((value >>> 8) & 255) + "." + (value & 255);
        }

        int offsetOf(String address) {
            return toInt(address) - base;
        }

        private static int toInt(String address) {
            String[] octets = address.split("\\.");
            if (octets.length != 4) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
            int value = 0;
            for (String octet : octets) {
                value = (value << 8) | Integer.parseInt(octet);
            }
            return value;
        }

        @Override
        public String toString() {
            return address(0) + "/" + prefixLength;
        }
    }

    private static final Pattern LOOPBACK_ADDRESS = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/32");

    private final Cidr cidr;
    private final BitSet used = new BitSet();

    PodAddressPool(Cidr cidr) {
        this.cidr = cidr;
        // The network address and the first host are reserved, as a bridge network would reserve its gateway.
        used.set(0, 2);
        used.set(cidr.size() - 1);
    }

    /** Removes addresses of this range left on the loopback interface by an agent that did not shut down cleanly. */
    void removeStaleAddresses() throws IOException {
        for (String address : loopbackAddresses()) {
            if (cidr.contains(address)) {
                ip("addr", "del", address + "/32", "dev", "lo");
            }
        }
    }

    synchronized String allocate() throws IOException {
        int offset = used.nextClearBit(0);
        if (offset >= cidr.size()) {
            throw new IOException("the pod address range " + cidr + " is exhausted");
        }
        used.set(offset);
        String address = cidr.address(offset);
        ip("addr", "add", address + "/32", "dev", "lo");
        return address;
    }

    synchronized void release(String address) {
        try {
            ip("addr", "del", address + "/32", "dev", "lo");
        } catch (IOException e) {
            System.err.println("node-agent: could not remove pod address " + address + ": " + e.getMessage());
        }
        used.clear(cidr.offsetOf(address));
    }

    private static List<String> loopbackAddresses() throws IOException {
        String output = ip("-o", "-4", "addr", "show", "dev", "lo");
        List<String> addresses = new ArrayList<>();
        Matcher matcher = LOOPBACK_ADDRESS.matcher(output);
        while (matcher.find()) {
            addresses.add(matcher.group(1));
        }
        return addresses;
    }

    private static String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.strip()
                        + " (pod addresses on the loopback interface need root or CAP_NET_ADMIN)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        return output;
    }
}
