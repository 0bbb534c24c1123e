package io.inferencebench.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One JMeter thread's keep-alive HTTP/1.1 connection to the endpoint, read on that thread itself.
 * Blocking reads on the sampling thread time each chunk the moment the kernel hands it over: measured
 * against the simulator, the JDK's HttpClient (a selector thread handing bytes to a subscriber) added
 * 3-4 ms to every TTFT on a busy 2-core machine, this adds none, and it costs less CPU per request.
 * Speaks what OpenAI-compatible servers send: {@code Content-Length}, chunked or close-delimited bodies.
 */
final class StreamingConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /**
     * Ends requests that outlive their timeout by closing their socket: one timer per request. A
     * socket read timeout would cost a timer per read instead (a timed park on a virtual thread, a
     * poll before each read on a platform thread), and a 64-token stream is 64 reads.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "openai-request-deadlines");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true); // a finished request's timer leaves the queue at once
        return e;
    }

    private final URI url;
    private final byte[] buffer = new byte[16 * 1024];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    /** Bytes of {@link #buffer} read but not consumed yet: from {@link #start} to {@link #end}. */
    private int start;
    private int end;
    /** When the bytes of the last read arrived: every byte of a read shares its time. */
    private long arrived;
    private volatile boolean closed;
    /** The request under way outlived its timeout and its socket was closed for it. */
    private volatile boolean expired;

    StreamingConnection(URI url) {
        this.url = url;
    }

    /**
     * Sends one request and feeds the answer's body to {@code stream} as it arrives (an error status
     * first marks it failed). Never throws: a broken connection or a timeout ends the stream with its
     * cause.
     */
    void exchange(byte[] request, TokenStream stream, long deadlineNanos) {
        boolean reused = socket != null;
        expired = false;
        ScheduledFuture<?> deadline = DEADLINES.schedule(this::expire, deadlineNanos - System.nanoTime(),
                TimeUnit.NANOSECONDS);
        try {
            int status;
            try {
                send(request);
                status = readHead();
            } catch (IOException e) {
                if (!reused || closed || expired) {
                    throw e;
                }
                // the server closed an idle keep-alive connection: once more on a new one
                close();
                closed = false;
                send(request);
                status = readHead();
            }
            if (status / 100 != 2) {
                stream.failedWith(status);
            }
            readBody(stream);
            if (!keepAlive) {
                close();
                closed = false;
            }
            stream.end();
        } catch (IOException | RuntimeException e) {
            String why = expired || e instanceof SocketTimeoutException ? "no complete answer within the request timeout"
                    : closed ? "the test was stopped during the request"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            close();
            closed = false;
            stream.broken(why);
        } finally {
            deadline.cancel(false);
        }
    }

    /** The request's timeout passed: its socket is closed, and the blocked read ends. */
    private void expire() {
        expired = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void send(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        out.write(request);
        out.flush();
    }

    private void connect() throws IOException {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(url.getHost(), port), CONNECT_TIMEOUT_MS);
        if (tls) {
            SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, url.getHost(), port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // check the certificate names the host
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            socket = secure;
        } else {
            socket = plain;
        }
        in = socket.getInputStream();
        out = socket.getOutputStream();
        start = 0;
        end = 0;
    }

    /** Reads more bytes into the buffer; -1 at the end of the connection. Returns when they arrived. */
    private long fill() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return -1;
        }
        end += n;
        arrived = System.nanoTime();
        return arrived;
    }

    // ---- the answer's head ----

    private boolean keepAlive;
    private boolean chunked;
    private long contentLength;

    private int readHead() throws IOException {
        int status = -1;
        keepAlive = true;
        chunked = false;
        contentLength = -1;
        while (true) {
            String line = line();
            if (status < 0) {
                // "HTTP/1.1 200 OK"; a 100 Continue is followed by the real head
                if (!line.startsWith("HTTP/1.") || line.length() < 12) {
                    throw new IOException("the endpoint did not answer in HTTP/1.1: " + Chunks.abbreviate(line));
                }
                status = Integer.parseInt(line.substring(9, 12));
                keepAlive = line.startsWith("HTTP/1.1");
                continue;
            }
            if (line.isEmpty()) {
                if (status == 100) {
                    status = -1;
                    continue;
                }
                return status;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "connection" -> keepAlive = !value.contains("close") && (keepAlive || value.contains("keep-alive"));
                    default -> {
                    }
                }
            }
        }
    }

    /** One CRLF-terminated line of the head or of a chunk size, without its line end. */
    private String line() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, stop - start, StandardCharsets.ISO_8859_1);
                    start = i + 1;
                    return line;
                }
            }
            if (end - start == buffer.length) {
                throw new IOException("a line of the answer's head is longer than " + buffer.length + " bytes");
            }
            if (fill() < 0) {
                throw new IOException("the connection closed before the answer's head was complete");
            }
        }
    }

    /**
     * Consumes one line and returns its length without its line end: a chunk's size line, read from
     * the buffer without a String (every SSE event usually comes in its own HTTP chunk).
     */
    private int lineEnd() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    int length = (i > start && buffer[i - 1] == '\r' ? i - 1 : i) - start;
                    lineStart = start;
                    start = i + 1;
                    return length;
                }
            }
            if (end - start == buffer.length) {
                throw new IOException("a line of the answer is longer than " + buffer.length + " bytes");
            }
            if (fill() < 0) {
                throw new IOException("the connection closed in the middle of the answer");
            }
        }
    }

    /** Where the line {@link #lineEnd} consumed last began in the buffer (valid until the next read). */
    private int lineStart;

    /** A chunk's size: hexadecimal digits, then maybe {@code ;extensions}. */
    private long chunkSize() throws IOException {
        int length = lineEnd();
        long size = 0;
        int digits = 0;
        int from = lineStart;
        while (from < lineStart + length && (buffer[from] == ' ' || buffer[from] == '\t')) {
            from++;
        }
        for (int i = from; i < lineStart + length; i++) {
            int d = Character.digit(buffer[i], 16);
            if (d < 0) {
                if (buffer[i] == ';' || buffer[i] == ' ' || buffer[i] == '\t') {
                    break;
                }
                digits = 0;
                break;
            }
            if (++digits > 15) {
                break;
            }
            size = size * 16 + d;
        }
        if (digits == 0 || digits > 15) {
            throw new IOException("the answer's chunk size is not a hexadecimal number: "
                    + Chunks.abbreviate(new String(buffer, lineStart, length, StandardCharsets.ISO_8859_1)));
        }
        return size;
    }

    // ---- the answer's body ----

    private void readBody(TokenStream stream) throws IOException {
        if (chunked) {
            while (true) {
                long remaining = chunkSize();
                if (remaining == 0) {
                    while (lineEnd() > 0) {
                        // trailers
                    }
                    return;
                }
                copy(stream, remaining);
                lineEnd(); // the CRLF after the chunk's data
            }
        } else if (contentLength >= 0) {
            copy(stream, contentLength);
        } else {
            keepAlive = false;
            copy(stream, Long.MAX_VALUE);
        }
    }

    /** Feeds {@code count} body bytes (or up to the end of the connection), each with its read's time. */
    private void copy(TokenStream stream, long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (start == end && fill() < 0) {
                if (count == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException("the connection closed in the middle of the answer");
            }
            int n = (int) Math.min(left, end - start);
            stream.accept(buffer, start, n, arrived);
            start += n;
            left -= n;
        }
    }

    /** Closes the connection; from another thread it stops the request under way (JMeter's stop). */
    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
