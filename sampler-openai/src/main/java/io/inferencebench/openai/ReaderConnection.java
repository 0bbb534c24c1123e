package io.inferencebench.openai;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection whose answers the {@link StreamReader} reads: the JMeter thread connects, writes the
 * request, hands the exchange to the reader and parks until the reader ends it: the answer is complete, the
 * connection broke, or its deadline passed (the reader looks for expired deadlines every
 * {@link StreamReader#SWEEP_NANOS}, so the JMeter thread's park needs no timer of its own). Used for
 * {@code http://} and {@code https://} endpoints; for {@code https://} the JMeter thread also does the TLS
 * handshake and seals the request, and the reader opens the records it reads ({@link TlsLayer}).
 *
 * <p>Threads: the fields of the exchange under way ({@link #answer}, {@link #unsent}, {@link #failure})
 * are written by the JMeter thread before it hands the exchange over (the task queue publishes them),
 * then only by the reader until {@link #done}; the JMeter thread reads them after {@link #done}. The
 * {@link TokenStream} is fed by the reader only, and ended by the JMeter thread once {@link #done}.
 */
final class ReaderConnection implements StreamingConnection {

    private final URI url;
    private final StreamReader reader;
    /** The open connection, or {@code null}/closed: the next exchange connects. Closed by the reader. */
    private volatile SocketChannel channel;
    /** The channel's registration with the reader's selector; reader thread only. */
    private SelectionKey key;
    /** The channel's TLS, or {@code null} for {@code http://}; made with the channel, handed over like {@link #answer}. */
    private TlsLayer tls;

    // the exchange under way
    private HttpAnswer answer;
    private ByteBuffer unsent;
    private Thread waiter;
    private String failure;
    /** When the exchange under way times out ({@link System#nanoTime()}); handed over like {@link #answer}. */
    private long deadlineNanos;
    /** The connection ended before any byte of the answer: an idle connection the server had closed. */
    private boolean nothingArrived;
    private volatile boolean done;
    /** The exchange the reader serves now (0: none): stale timeouts and stops do nothing. Reader thread only. */
    private long active;
    private long exchanges;
    /** {@link #close()} was called: the exchange under way ends as stopped. */
    private volatile boolean stopped;

    ReaderConnection(URI url, StreamReader reader) {
        this.url = url;
        this.reader = reader;
    }

    @Override
    public void exchange(byte[] request, TokenStream stream, long deadlineNanos) {
        stopped = false;
        SocketChannel open = channel;
        boolean reused = open != null && open.isOpen();
        String why = attempt(request, stream, deadlineNanos);
        if (why != null && reused && nothingArrived && !stopped && System.nanoTime() < deadlineNanos) {
            // the server closed an idle keep-alive connection before answering: once more on a new one
            why = attempt(request, stream, deadlineNanos);
        }
        if (why == null) {
            stream.end();
        } else {
            stream.broken(stopped ? STOPPED : why);
        }
    }

    /** One request on the open connection, or on a new one; {@code null} when its answer is complete. */
    private String attempt(byte[] request, TokenStream stream, long deadlineNanos) {
        SocketChannel c = channel;
        nothingArrived = false;
        try {
            if (c == null || !c.isOpen()) {
                c = connect(deadlineNanos);
            }
            ByteBuffer out = tls == null ? ByteBuffer.wrap(request) : tls.seal(request);
            c.write(out); // the channel is non-blocking: what the socket does not take now, the reader sends
            unsent = out.hasRemaining() ? out : null;
        } catch (IOException e) {
            nothingArrived = true;
            closeQuietly(c);
            return StreamingConnection.why(e);
        }
        answer = new HttpAnswer(stream);
        failure = null;
        this.deadlineNanos = deadlineNanos;
        waiter = Thread.currentThread();
        done = false;
        long exchange = ++exchanges;
        SocketChannel sending = c;
        reader.execute(() -> begin(exchange, sending));
        await(exchange);
        return failure;
    }

    /**
     * A new connection, blocking until it is open and, for {@code https://}, its TLS handshake done (the
     * handshake's reads bounded by the request's deadline; a {@link #close()} meanwhile closes it), then
     * made non-blocking for the reader.
     */
    private SocketChannel connect(long deadlineNanos) throws IOException {
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
        SocketChannel c = SocketChannel.open();
        tls = null;
        try {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.socket().connect(new InetSocketAddress(url.getHost(), port), CONNECT_TIMEOUT_MS);
            if (secure) {
                channel = c; // a stop during the handshake closes it (or, if it came first, is seen here)
                if (stopped) {
                    throw new IOException(STOPPED);
                }
                TlsLayer layer = new TlsLayer(c, url.getHost(), port);
                layer.handshake(deadlineNanos);
                tls = layer;
            }
            c.configureBlocking(false);
            channel = c;
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Parks until the reader says the exchange is done. No timed park: a virtual thread's timed park costs a
     * task in the JDK's delay scheduler, scheduled and cancelled for every request (with 10,000 streams open,
     * 10,000 of them pending), while the reader already wakes every few milliseconds and ends the exchanges
     * whose deadline has passed ({@link #expire}).
     */
    private void await(long exchange) {
        boolean interrupted = false;
        boolean asked = false;
        while (!done) {
            LockSupport.park(this);
            // JMeter's hard stop interrupts the thread: end the request, and keep the interrupt for JMeter
            if (Thread.interrupted()) {
                interrupted = true;
                if (!asked) {
                    asked = true;
                    reader.execute(() -> end(exchange, STOPPED));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- on the reader thread ----

    private void begin(long exchange, SocketChannel c) {
        active = exchange;
        reader.exchangeBegan();
        if (stopped) {
            end(exchange, STOPPED);
            return;
        }
        int interest = unsent != null ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        try {
            if (key == null || key.channel() != c || !key.isValid()) {
                key = c.register(reader.selector(), interest, this);
            } else {
                key.interestOps(interest);
            }
        } catch (ClosedChannelException | RuntimeException e) {
            nothingArrived = true;
            end(exchange, stopped ? STOPPED : "the connection closed before the request was sent");
        }
    }

    /** The selector found the channel ready. */
    void ready(SelectionKey k) {
        if (active == 0) {
            k.interestOps(0); // nothing asked for: an idle kept-alive connection
            return;
        }
        SocketChannel c = (SocketChannel) k.channel();
        try {
            if (unsent != null) {
                if (k.isWritable()) {
                    c.write(unsent);
                    if (!unsent.hasRemaining()) {
                        unsent = null;
                        k.interestOps(SelectionKey.OP_READ);
                    }
                }
                return;
            }
            ByteBuffer buffer = reader.buffer();
            if (tls != null) {
                readSecure(k, c, buffer);
                return;
            }
            int n = c.read(buffer);
            long now = System.nanoTime();
            if (n < 0) {
                connectionEnded();
            } else {
                take(k, buffer, n, now);
            }
        } catch (IOException | RuntimeException e) {
            nothingArrived = !answer.started();
            closeChannel();
            finish(StreamingConnection.why(e));
        }
    }

    /**
     * One read of TLS records, timed as it returns: each record with data is fed with that time (one read
     * may bring several, or only part of one, kept for the next read).
     */
    private void readSecure(SelectionKey k, SocketChannel c, ByteBuffer app) throws IOException {
        int n = c.read(tls.in());
        long now = System.nanoTime();
        if (n < 0) {
            connectionEnded(); // without the server's close_notify: read as the end of a plain connection
            return;
        }
        while (active != 0) {
            int m = tls.unwrap(app);
            if (m == 0) {
                return;
            }
            if (m < 0) {
                connectionEnded(); // the server's close_notify
                return;
            }
            take(k, app, m, now);
        }
    }

    /** Feeds {@code n} bytes read at {@code now}; once the answer is complete, ends the exchange. */
    private void take(SelectionKey k, ByteBuffer buffer, int n, long now) throws IOException {
        int used = answer.feed(buffer.array(), 0, n, now);
        if (answer.complete()) {
            if (used < n || !answer.keepAlive() || moreAfterTheAnswer(buffer)) {
                closeChannel(); // bytes after the answer (none from a sane server), or the server said close
            } else {
                k.interestOps(0);
            }
            finish(null);
        }
    }

    /**
     * Whether TLS records read with the answer's end carry more (data, the server's close_notify, or
     * something unreadable): the connection is then not kept. A session ticket carries nothing. Done
     * before the exchange ends: after it, the JMeter thread uses the engine again.
     */
    private boolean moreAfterTheAnswer(ByteBuffer buffer) {
        try {
            return tls != null && tls.unwrap(buffer) != 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** The server ended the connection: that completes a close-delimited answer and breaks any other. */
    private void connectionEnded() throws IOException {
        nothingArrived = !answer.started();
        answer.endOfConnection();
        closeChannel();
        finish(null);
    }

    /** Ends the exchange under way when its deadline has passed by {@code now}; the reader's sweep calls it. */
    void expire(long now) {
        if (active != 0 && now - deadlineNanos >= 0) {
            end(active, TIMED_OUT);
        }
    }

    /** Ends the exchange {@code exchange} with {@code why}, if it is still under way. */
    private void end(long exchange, String why) {
        if (active == exchange) {
            closeChannel();
            finish(why);
        }
    }

    private void finish(String why) {
        if (active != 0) {
            reader.exchangeEnded();
        }
        active = 0;
        failure = why;
        Thread w = waiter;
        done = true;
        LockSupport.unpark(w);
    }

    private void closeChannel() {
        if (key != null) {
            key.cancel();
            key = null;
        }
        closeQuietly(channel);
    }

    // ----

    private static void closeQuietly(SocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        reader.execute(() -> {
            if (active != 0) {
                end(active, STOPPED);
            } else {
                closeChannel();
            }
        });
    }
}
