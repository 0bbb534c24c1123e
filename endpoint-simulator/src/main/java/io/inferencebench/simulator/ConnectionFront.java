package io.inferencebench.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listening socket in front of the JDK HTTP server when {@code --fault} asks for resets, half
 * answers or closes: it accepts the clients' connections itself and relays each one, byte for byte,
 * to a connection of its own to the server on loopback, so that it holds the client's socket and can
 * break it: reset it ({@code SO_LINGER} 0, then close: the kernel sends RST), close it before the
 * answer, or close it after the headers and part of the body. {@code com.sun.net.httpserver} gives a
 * handler no access to its socket (its channel is in a package the {@code jdk.httpserver} module does
 * not open), so a reset cannot be made there without {@code --add-opens} on every JVM that runs the
 * simulator; and a connection the handler ends abnormally stays in the JDK server's bookkeeping for
 * good. With the front, the server answers every request in full (with {@code Connection: close})
 * and the front drops what the client must not get. It costs two blocking threads per open
 * connection and one more copy of every byte, so it runs only when such faults are asked for.
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

    /** Client connections being relayed. */
    int open() {
        return relays.size();
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
        relay.cut(true);
        return true;
    }

    /** Closes the client's connection (FIN) before any byte of the answer; false when it is gone. */
    boolean close(InetSocketAddress serverSideClient) {
        Relay relay = relays.get(serverSideClient.getPort());
        if (relay == null) {
            return false;
        }
        relay.cut(false);
        return true;
    }

    /**
     * Lets the answer the server is about to send reach the client up to the end of its headers and
     * {@code bodyBytes} more, then closes the client's connection; false when it is gone.
     */
    boolean cutAfter(InetSocketAddress serverSideClient, long bodyBytes) {
        Relay relay = relays.get(serverSideClient.getPort());
        if (relay == null) {
            return false;
        }
        relay.bodyBytesBeforeCut = bodyBytes;
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
                threads.execute(relay::copyRequests);
                threads.execute(relay::copyAnswers);
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

    /**
     * One client connection and its connection to the server, each direction copied by its own thread.
     * Once the client's side is cut, what the server still sends is read and dropped, so the server
     * ends its exchange as usual and closes (it was told {@code Connection: close}).
     */
    private final class Relay {
        private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
        final Socket client;
        final Socket upstream;
        private final int upstreamPort;
        private volatile boolean cut;
        /** Half answer: body bytes to pass on after the next answer's headers, then cut; -1: pass everything. */
        volatile long bodyBytesBeforeCut = -1;

        Relay(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
            this.upstreamPort = upstream.getLocalPort();
        }

        /** Client to server. */
        void copyRequests() {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = client.getInputStream(); // not closed here: that would close the socket both ways
                OutputStream out = upstream.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                if (!cut) {
                    upstream.shutdownOutput(); // pass the end of the client's stream on, as a FIN
                }
            } catch (IOException e) {
                if (!cut) {
                    closeBoth(); // the client went away, or the server did
                }
                // cut: the other direction drains the server's answer and closes both
            }
        }

        /** Server to client: everything, or up to a half answer's cut, then nothing. */
        void copyAnswers() {
            byte[] buffer = new byte[BUFFER];
            int headersMatched = 0;
            boolean inBody = false;
            try {
                InputStream in = upstream.getInputStream();
                OutputStream out = client.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    long left = bodyBytesBeforeCut;
                    if (cut) {
                        continue; // drained, so that the server ends its exchange as usual
                    }
                    if (left < 0) {
                        pass(out, buffer, n);
                        continue;
                    }
                    int i = 0;
                    while (!inBody && i < n) {
                        headersMatched = buffer[i] == HEADERS_END[headersMatched] ? headersMatched + 1
                                : buffer[i] == '\r' ? 1 : 0;
                        inBody = headersMatched == HEADERS_END.length;
                        i++;
                    }
                    int pass = inBody ? i + (int) Math.min(left, n - i) : n;
                    pass(out, buffer, pass);
                    if (inBody) {
                        left -= pass - i;
                        bodyBytesBeforeCut = left;
                        if (left == 0) {
                            cut(false);
                        }
                    }
                }
            } catch (IOException e) {
                // the client went away or was cut, or the server closed: both end below
            } finally {
                closeBoth();
            }
        }

        /** Passes bytes on to the client; a client cut meanwhile (by a reset from another thread) drops them. */
        private void pass(OutputStream out, byte[] buffer, int n) throws IOException {
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                if (!cut) {
                    throw e;
                }
            }
        }

        /** Ends the client's side: a reset, or a close (FIN); the server's answer is dropped from now on. */
        void cut(boolean reset) {
            cut = true;
            try {
                if (reset) {
                    client.setSoLinger(true, 0);
                }
                client.close();
            } catch (IOException e) {
                // already closed
            }
        }

        void closeBoth() {
            relays.remove(upstreamPort, this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
