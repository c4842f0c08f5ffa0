package io.refinevad.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP relay to a local port whose network path can die the ways real ones do, without the relayed server or
 * client being told anything by TCP:
 * <ul>
 *   <li>{@link #goSilent()}: every connection stays open but nothing more gets through, in either direction (a NAT
 *       that forgot the mapping, a pulled cable);
 *   <li>{@link #cutClientSides()}: the client side of every open connection is closed, so the client notices at
 *       once, while the server side stays open and silent, so the server does not (a camera that lost its path and
 *       comes back on a new one before the server has noticed). Later connections are relayed as usual.
 * </ul>
 * A relay made {@link #holding} accepts connections but relays nothing until {@link #release()}: a server slow to
 * answer its first calls, whose callers wait rather than fail.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new ArrayList<>();
    private final CountDownLatch released;

    public TcpRelay(int targetPort) throws IOException {
        this(targetPort, 0);
    }

    private TcpRelay(int targetPort, int holds) throws IOException {
        this.targetPort = targetPort;
        this.released = new CountDownLatch(holds);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("relay-accept", this::acceptLoop);
    }

    /** A relay that relays nothing, in either direction, until {@link #release()}. */
    public static TcpRelay holding(int targetPort) throws IOException {
        return new TcpRelay(targetPort, 1);
    }

    /** From now on, relays what it held and what comes. */
    public void release() {
        released.countDown();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String target() {
        return "localhost:" + port();
    }

    public synchronized void goSilent() {
        links.forEach(link -> link.silent = true);
    }

    public synchronized void cutClientSides() throws IOException {
        for (Link link : links) {
            link.silent = true;
            link.client.close();
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                Link link = new Link(client, new Socket(InetAddress.getLoopbackAddress(), targetPort));
                synchronized (this) {
                    links.add(link);
                }
                daemon("relay-up", () -> link.pump(link.client, link.server, released));
                daemon("relay-down", () -> link.pump(link.server, link.client, released));
            }
        } catch (IOException closed) {
            // the relay was closed
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() throws IOException {
        listener.close();
        for (Link link : links) {
            link.client.close();
            link.server.close();
        }
    }

    private static final class Link {
        final Socket client;
        final Socket server;
        volatile boolean silent;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        /**
         * Once released, forwards until a side closes; once silent, reads and drops, so nothing gets through and
         * nothing backs up. Held, the bytes wait in the sockets.
         */
        void pump(Socket from, Socket to, CountDownLatch released) {
            byte[] buffer = new byte[16 * 1024];
            try {
                released.await();
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    if (!silent) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // one side went away; the other is left as it is, as a dead path leaves it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
