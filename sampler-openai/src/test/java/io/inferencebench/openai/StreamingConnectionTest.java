package io.inferencebench.openai;

import static io.inferencebench.openai.ConnectionCalls.exchange;
import static io.inferencebench.openai.ConnectionCalls.largeRequest;
import static io.inferencebench.openai.ConnectionCalls.open;
import static io.inferencebench.openai.ConnectionCalls.stopLater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/1.1 reading against a raw server that answers the ways real servers do, by both readers: the
 * shared {@link StreamReader} and the JMeter thread itself ({@code ib.openai.reader=thread}). Over TLS:
 * {@link TlsStreamingConnectionTest}.
 */
class StreamingConnectionTest {
    static final String EVENTS = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: [DONE]\n\n";
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    /** Serves {@code answer(n)} for the n-th request on each connection; null closes the connection. */
    private URI serve(Function<Integer, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (int n = 0; ; n++) {
                        if (!readRequest(in)) {
                            break;
                        }
                        String a = answer.apply(n);
                        if (a == null) {
                            break;
                        }
                        out.write(a.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (a.contains("Connection: close") || a.contains("X-Then-Cut") || !a.startsWith("HTTP/1.1")) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // next connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
    }

    /** Reads a request head and its Content-Length body; false at the end of the connection. */
    static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.toString().endsWith("\r\n\r\n")) {
                String h = head.toString().toLowerCase();
                int at = h.indexOf("content-length: ");
                int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).trim());
                in.readNBytes(length);
                return true;
            }
        }
        return false;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }



    /** The first connection gets one event, then silence on an open connection; later ones a whole stream. */
    private URI serveOneEventThenSilence() throws IOException {
        String first = EVENTS.substring(0, EVENTS.indexOf("\n\n") + 2);
        return serve(n -> connections.get() > 1 ? chunked(EVENTS) : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
    }

    static String chunked(String body) {
        int half = body.length() / 2;
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + ";ext=1\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void chunkedAnswersAreReadOnOneKeptAliveConnection(String reader) throws Exception {
        URI url = serve(n -> chunked(EVENTS));
        try (StreamingConnection c = open(reader, url)) {
            for (int i = 0; i < 3; i++) {
                TokenStream s = exchange(c).end();
                assertThat(s.error()).isNull();
                assertThat(s.contentChunks()).isEqualTo(2);
            }
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void contentLengthAndCloseDelimitedAnswersAreRead(String reader) throws Exception {
        URI url = serve(n -> n == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: " + EVENTS.length() + "\r\n\r\n" + EVENTS
                : "HTTP/1.0 200 OK\r\n\r\n" + EVENTS);
        try (StreamingConnection c = open(reader, url)) {
            assertThat(exchange(c).end().contentChunks()).isEqualTo(2);
            TokenStream closeDelimited = exchange(c).end();
            assertThat(closeDelimited.error()).isNull();
            assertThat(closeDelimited.contentChunks()).isEqualTo(2);
            assertThat(exchange(c).end().contentChunks()).as("a new connection after the close").isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void anIdleConnectionTheServerClosedIsReplacedOnce(String reader) throws Exception {
        // the server closes after each answer without saying so, as an idle timeout does
        URI url = serve(n -> n == 0 ? chunked(EVENTS) : null);
        try (StreamingConnection c = open(reader, url)) {
            assertThat(exchange(c).end().error()).isNull();
            Thread.sleep(100);
            assertThat(exchange(c).end().error()).isNull();
        }
        assertThat(connections.get()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aStreamCutMidwayFailsWithItsCauseAndKeepsTheChunks(String reader) throws Exception {
        URI url = serve(n -> "HTTP/1.1 200 OK\r\nX-Then-Cut: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(EVENTS.length()) + "\r\n" + EVENTS.substring(0, 60));
        try (StreamingConnection c = open(reader, url)) {
            TokenStream s = exchange(c);
            assertThat(s.error()).isEqualTo("the stream broke after 1 chunks: the connection closed in the middle of the answer");
            assertThat(s.contentChunks()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void anUnreachableEndpointFailsWithItsCause(String reader) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (StreamingConnection c = open(reader, URI.create("http://127.0.0.1:" + port + "/v1/completions"))) {
            assertThat(exchange(c).error()).startsWith("the stream broke after 0 chunks: Connection refused");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aStreamThatStallsEndsAtTheRequestTimeoutKeepingItsChunks(String reader) throws Exception {
        URI url = serveOneEventThenSilence();
        try (StreamingConnection c = open(reader, url)) {
            long start = System.nanoTime();
            TokenStream s = new TokenStream(start);
            c.exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.UTF_8), s,
                    start + 300_000_000L);
            assertThat(s.error()).isEqualTo("the stream broke after 1 chunks: no complete answer within the request timeout");
            assertThat(s.contentChunks()).isEqualTo(1);
            assertThat(System.nanoTime() - start).as("ended by the timeout, not by the server").isLessThan(30_000_000_000L);
            assertThat(exchange(c).end().error()).as("the next request on a new connection").isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aStopFromAnotherThreadEndsTheRequestKeepingItsChunks(String reader) throws Exception {
        URI url = serveOneEventThenSilence();
        try (StreamingConnection c = open(reader, url)) {
            Thread stopper = stopLater(c); // as JMeter's stop calls the sampler's interrupt()
            long start = System.nanoTime();
            TokenStream s = exchange(c);
            assertThat(s.error()).isEqualTo("the stream broke after 1 chunks: the test was stopped during the request");
            assertThat(s.contentChunks()).isEqualTo(1);
            assertThat(System.nanoTime() - start).as("ended by the stop, not by the 5 s timeout").isLessThan(4_000_000_000L);
            stopper.join();
            assertThat(exchange(c).end().error()).as("the next request on a new connection").isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aRequestLargerThanTheSocketTakesAtOnceIsSentWhole(String reader) throws Exception {
        URI url = serve(n -> chunked(EVENTS));
        byte[] request = largeRequest(24 * 1024 * 1024); // more than a loopback socket's send buffer: sent in parts
        try (StreamingConnection c = open(reader, url)) {
            for (int i = 0; i < 2; i++) {
                TokenStream s = new TokenStream(System.nanoTime());
                c.exchange(request, s, System.nanoTime() + 20_000_000_000L);
                assertThat(s.error()).isNull();
                assertThat(s.contentChunks()).isEqualTo(2);
            }
        }
        assertThat(connections.get()).as("both on one connection: the server read each body whole").isEqualTo(1);
    }
}
