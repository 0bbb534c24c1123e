package io.inferencebench.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening socket in front of the JDK HTTP server when {@code --fault reset=F} is asked for:
 * it accepts the clients' connections itself and relays each one, byte for byte, to a connection of
 * its own to the server on loopback, so that it holds the client's socket and can reset it
 * ({@code SO_LINGER} 0, then close: the kernel sends RST). {@code com.sun.net.httpserver} gives a
 * handler no access to its socket (its channel is in a package the {@code jdk.httpserver} module does
 * not open), so a reset cannot be made there without {@code --add-opens} on every JVM that runs the
 * simulator. Used only with reset faults: it costs two blocking threads per open connection and one
 * more copy of every byte.
 */
final class ConnectionFront implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress server;
    /** By the local port of the front's connection to the server, which the server sees as the client's port. */
    private final Map<Integer, Relay> relays = new ConcurrentHashMap<>();
    private final ExecutorService threads;
    private volatile boolean closed;

    /**
     * @param listener bound to the address clients use
     * @param server the JDK server's loopback address
     */
    ConnectionFront(ServerSocket listener, InetSocketAddress server) {
        this.listener = listener;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simulator-front-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /**
     * Resets the client's connection whose request reached the server from {@code serverSideClient}.
     *
     * @return false when no such connection is open (the client already went away)
     */
    boolean reset(InetSocketAddress serverSideClient) {
        Relay relay = relays.get(serverSideClient.getPort());
        if (relay == null) {
            return false;
        }
        try {
            relay.client.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed: nothing left to reset
        }
        relay.closeBoth();
        return true;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // e.g. out of descriptors for a moment: the client sees a refused or dropped connection
            }
            try {
                client.setTcpNoDelay(true);
                Socket upstream = new Socket();
                upstream.setTcpNoDelay(true);
                upstream.connect(server);
                Relay relay = new Relay(client, upstream);
                relays.put(upstream.getLocalPort(), relay);
                threads.execute(() -> relay.copy(client, upstream));
                threads.execute(() -> relay.copy(upstream, client));
            } catch (IOException | RuntimeException e) {
                closeQuietly(client);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        relays.values().forEach(Relay::closeBoth);
        threads.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** One client connection and its connection to the server; each direction copied by its own thread. */
    private final class Relay {
        final Socket client;
        final Socket upstream;
        private final int upstreamPort;
        private final AtomicInteger directionsDone = new AtomicInteger();

        Relay(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
            this.upstreamPort = upstream.getLocalPort();
        }

        void copy(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream(); // not closed here: that would close the socket both ways
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                to.shutdownOutput(); // pass the end of the stream on, as a FIN
            } catch (IOException e) {
                // one side was closed or reset: the other direction ends too
                closeBoth();
            } finally {
                if (directionsDone.incrementAndGet() == 2) {
                    closeBoth();
                }
            }
        }

        void closeBoth() {
            relays.remove(upstreamPort, this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
