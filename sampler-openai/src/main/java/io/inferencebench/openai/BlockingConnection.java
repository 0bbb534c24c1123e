package io.inferencebench.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A connection read on the JMeter thread itself, with blocking reads (TLS through an {@code SSLSocket}):
 * used when {@code ib.openai.reader=thread}, to compare with the shared reader. Each read is timed the
 * moment the kernel hands it over; the JDK's HttpClient (a selector thread handing bytes to a subscriber on
 * an executor) added 3-4 ms to every TTFT on a busy 2-core machine. Answers are parsed by {@link HttpAnswer}.
 */
final class BlockingConnection implements StreamingConnection {
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
    private volatile boolean closed;
    /** The request under way outlived its timeout and its socket was closed for it. */
    private volatile boolean expired;

    BlockingConnection(URI url) {
        this.url = url;
    }

    @Override
    public void exchange(byte[] request, TokenStream stream, long deadlineNanos) {
        boolean reused = socket != null;
        expired = false;
        ScheduledFuture<?> deadline = DEADLINES.schedule(this::expire, deadlineNanos - System.nanoTime(),
                TimeUnit.NANOSECONDS);
        try {
            HttpAnswer answer = new HttpAnswer(stream);
            try {
                send(request);
                read(answer);
            } catch (IOException e) {
                if (!reused || answer.started() || closed || expired) {
                    throw e;
                }
                // the server closed an idle keep-alive connection before answering: once more on a new one
                close();
                closed = false;
                answer = new HttpAnswer(stream);
                send(request);
                read(answer);
            }
            if (!answer.keepAlive()) {
                close();
                closed = false;
            }
            stream.end();
        } catch (IOException | RuntimeException e) {
            String why = expired || e instanceof SocketTimeoutException ? TIMED_OUT
                    : closed ? STOPPED
                    : StreamingConnection.why(e);
            close();
            closed = false;
            stream.broken(why);
        } finally {
            deadline.cancel(false);
        }
    }

    /** Reads until the answer is complete; bytes after it (none from a sane server) end the connection. */
    private void read(HttpAnswer answer) throws IOException {
        while (!answer.complete()) {
            int n = in.read(buffer);
            if (n < 0) {
                answer.endOfConnection();
                close();
                closed = false;
                return;
            }
            if (answer.feed(buffer, 0, n, System.nanoTime()) < n) {
                close();
                closed = false;
                return;
            }
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
        socket = plain; // the request's timeout and a stop close it while it connects and shakes hands
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
        }
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

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
