package io.inferencebench.openai;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The TLS of one {@link ReaderConnection} to an {@code https://} endpoint: an {@link SSLEngine} and its
 * two buffers, allocated once per connection (a request larger than one record's buffer gets its own).
 * The JMeter thread does the handshake on the still blocking channel ({@link #handshake}) and seals each
 * request ({@link #seal}); the {@link StreamReader} opens
 * what arrives ({@link #unwrap}). They never use it at once: the reader's task queue hands it over with
 * the exchange, and the JMeter thread touches it again only once the exchange is done.
 */
final class TlsLayer {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Bytes read and not yet opened (a record's first part waits here for the rest); kept in write mode. */
    private ByteBuffer in;
    /** Sealed bytes on their way out: a request that fits, or a message of the handshake. */
    private ByteBuffer out;

    /**
     * A client engine for {@code host}: the JVM's default trust, and the certificate must name the host,
     * as {@link BlockingConnection}'s socket checks it (the JDK sends the host as SNI when it is a name).
     */
    TlsLayer(SocketChannel channel, String host, int port) throws SSLException {
        this.channel = channel;
        try {
            engine = SSLContext.getDefault().createSSLEngine(host, port);
        } catch (NoSuchAlgorithmException e) {
            throw new SSLException("no default TLS context in this JVM", e);
        }
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        int packet = engine.getSession().getPacketBufferSize();
        in = ByteBuffer.allocate(packet);
        out = ByteBuffer.allocate(packet);
    }

    // ---- on the JMeter thread, before the exchange is handed over ----

    /**
     * The handshake, on the blocking {@code channel}, its reads bounded by {@code deadlineNanos} (the
     * request's timeout, as the other connection's handshake is). Bytes that follow the handshake (a TLS
     * 1.3 session ticket) stay in {@link #in} for the reader.
     */
    void handshake(long deadlineNanos) throws IOException {
        // a channel's own reads ignore a timeout: its socket's stream honours one
        InputStream stream = channel.socket().getInputStream();
        ByteBuffer scratch = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_TASK -> status = runTasks();
                case NEED_WRAP -> {
                    status = wrapHandshakeMessage("the TLS handshake ended before it was complete");
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                }
                default -> { // NEED_UNWRAP, NEED_UNWRAP_AGAIN
                    in.flip();
                    SSLEngineResult r = engine.unwrap(in, scratch.clear());
                    in.compact();
                    closedIf(r, "the server ended the TLS handshake before it was complete");
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        roomToRead();
                        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                        if (left <= 0) {
                            throw new SocketTimeoutException(StreamingConnection.TIMED_OUT);
                        }
                        channel.socket().setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                        int n;
                        try {
                            n = stream.read(in.array(), in.arrayOffset() + in.position(), in.remaining());
                        } catch (SocketTimeoutException e) {
                            throw new SocketTimeoutException(StreamingConnection.TIMED_OUT);
                        }
                        if (n < 0) {
                            throw new SSLException("the server closed the connection during the TLS handshake");
                        }
                        in.position(in.position() + n);
                    }
                    status = r.getHandshakeStatus();
                }
            }
        }
    }

    /**
     * {@code request} in TLS records, ready to write: in the connection's buffer when it fits (a usual
     * prompt), else in a buffer of its own for this request.
     */
    ByteBuffer seal(byte[] request) throws SSLException {
        ByteBuffer plain = ByteBuffer.wrap(request);
        ByteBuffer sealed = out.clear();
        while (true) {
            SSLEngineResult r = engine.wrap(plain, sealed);
            closedIf(r, "the TLS connection is closed");
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                // a record holds at most 16 KB of the request, and adds a header, a tag, maybe padding: < 512 bytes
                int more = plain.remaining() + (plain.remaining() / 16_384 + 2) * 512;
                sealed = ByteBuffer.allocate(sealed.position() + Math.max(more, out.capacity())).put(sealed.flip());
            } else if (!plain.hasRemaining()) {
                return sealed.flip();
            }
        }
    }

    // ---- on the reader thread ----

    /** Where the reader reads the connection's bytes to, with room for at least one. */
    ByteBuffer in() {
        return in;
    }

    /**
     * Opens the whole records read so far into {@code app} (cleared), up to the first that carries data.
     * Returns how many bytes of the answer it holds; 0 when no whole record with data is left (a part of
     * one waits for the next read; a session ticket carries none); -1 at the server's close_notify.
     */
    int unwrap(ByteBuffer app) throws IOException {
        app.clear();
        in.flip();
        try {
            while (in.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(in, app);
                switch (r.getStatus()) {
                    case CLOSED -> {
                        return -1;
                    }
                    case BUFFER_UNDERFLOW -> {
                        return 0;
                    }
                    case BUFFER_OVERFLOW -> throw new SSLException(
                            "a TLS record holds more than the reader's " + app.capacity() + " bytes");
                    default -> {
                    }
                }
                afterHandshakeStep(r.getHandshakeStatus());
                if (r.bytesProduced() > 0) {
                    return r.bytesProduced();
                }
            }
            return 0;
        } finally {
            in.compact();
            roomToRead();
        }
    }

    /**
     * A message after the handshake may ask for work (TLS 1.3's key update asks for one back; a TLS 1.2
     * server's renegotiation for a whole handshake): its tasks run here, and what it sends back, a few
     * hundred bytes, is written at once. A socket that does not take them ends the exchange.
     */
    private void afterHandshakeStep(HandshakeStatus status) throws IOException {
        while (true) {
            if (status == HandshakeStatus.NEED_TASK) {
                status = runTasks();
            } else if (status == HandshakeStatus.NEED_WRAP) {
                status = wrapHandshakeMessage("the TLS connection is closed");
                channel.write(out);
                if (out.hasRemaining()) {
                    throw new SSLException("the server asked for a TLS handshake message the socket could not take at once");
                }
            } else {
                return; // nothing to do, or more to read: the next records are opened as they come
            }
        }
    }

    // ----

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // the certificate checks, among others: done where we are
        }
        return engine.getHandshakeStatus();
    }

    /**
     * The handshake message the engine asks for, sealed into {@link #out} and ready to write; returns what the
     * engine needs next. A closed engine is {@code whyClosed}.
     */
    private HandshakeStatus wrapHandshakeMessage(String whyClosed) throws SSLException {
        out.clear();
        SSLEngineResult r = engine.wrap(NOTHING, out);
        closedIf(r, whyClosed);
        overflowIf(r);
        out.flip();
        return r.getHandshakeStatus();
    }

    /** A full {@link #in} with no whole record in it: the records are larger than the session said. */
    private void roomToRead() {
        if (!in.hasRemaining()) {
            int packet = Math.max(engine.getSession().getPacketBufferSize(), in.capacity() * 2);
            in = ByteBuffer.allocate(packet).put(in.flip());
        }
    }

    /** A handshake message larger than a record can be: the engine is not one this code knows. */
    private static void overflowIf(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("a TLS handshake message is larger than the session's records");
        }
    }

    private static void closedIf(SSLEngineResult r, String why) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException(why);
        }
    }
}
