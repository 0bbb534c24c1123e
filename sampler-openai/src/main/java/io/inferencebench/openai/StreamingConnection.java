package io.inferencebench.openai;

import java.net.URI;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLHandshakeException;

/**
 * One JMeter thread's keep-alive HTTP/1.1 connection to the endpoint: it sends a request and feeds the
 * answer's body to a {@link TokenStream} as it arrives, timing each piece the moment it was read.
 *
 * <p>{@code http://} and {@code https://} endpoints are read by the JVM's {@link StreamReader} threads
 * (one per 4 cores), so a streamed answer wakes its JMeter thread once, not once per token
 * ({@link ReaderConnection}; TLS through an {@code SSLEngine}, {@link TlsLayer}). The system property
 * {@code ib.openai.reader=thread} reads each answer on its JMeter thread instead ({@link BlockingConnection}),
 * to compare the two.
 */
interface StreamingConnection extends AutoCloseable {
    /** A connection to {@code url}'s host, chosen as above. */
    static StreamingConnection to(URI url) {
        boolean ownThread = "thread".equals(System.getProperty("ib.openai.reader"));
        return ownThread ? new BlockingConnection(url) : new ReaderConnection(url, StreamReader.shared());
    }

    /**
     * Sends one request and feeds the answer's body to {@code stream} (an error status first marks it
     * failed), then ends the stream. Never throws: a broken connection, a timeout or a stop ends the
     * stream with its cause, keeping what arrived.
     */
    void exchange(byte[] request, TokenStream stream, long deadlineNanos);

    /** Closes the connection; from another thread it stops the request under way (JMeter's stop). */
    @Override
    void close();

    /** How long a new connection may take to open. */
    int CONNECT_TIMEOUT_MS = 10_000;

    /**
     * Why a connection failed, in a sentence for the sample: a refused TLS certificate says so (the
     * JDK's own message then names the reason, e.g. the host the certificate does not name).
     */
    static String why(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SSLHandshakeException) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof CertificateException) {
                    return "the server's TLS certificate check failed: " + message;
                }
            }
            return "the TLS handshake failed: " + message;
        }
        return message;
    }

    String TIMED_OUT = "no complete answer within the request timeout";
    String STOPPED = "the test was stopped during the request";
}
