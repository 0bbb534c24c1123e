package io.inferencebench.openai;

import static io.inferencebench.openai.ConnectionCalls.exchange;
import static io.inferencebench.openai.ConnectionCalls.largeRequest;
import static io.inferencebench.openai.ConnectionCalls.stopLater;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@link StreamingConnection} does whatever its transport, by both readers: the shared
 * {@link StreamReader} and the JMeter thread itself ({@code ib.openai.reader=thread}), against a scripted
 * server that answers the ways real servers do. {@link StreamingConnectionTest} runs it over
 * {@code http://}, {@link TlsStreamingConnectionTest} over {@code https://}; each adds what only its
 * transport has.
 */
abstract class StreamingConnectionContract {
    static final String EVENTS = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: [DONE]\n\n";
    /** In an answer: flush what came before, and wait 150 ms before the rest. */
    static final String PAUSE = "\u0001";
    /** In an answer: flush what came before (over TLS, its own record). */
    static final String FLUSH = "\u0002";

    /** The connections the scripted server accepted; {@link #serve} counts them. */
    final AtomicInteger connections = new AtomicInteger();

    /**
     * Starts the scripted server, which serves {@code answer(n)} for the n-th request on each connection
     * (written by {@link #write}, so {@link #PAUSE} and {@link #FLUSH} hold); null closes the connection; an
     * answer with {@code X-Then-Cut}, {@code Connection: close} or not HTTP/1.1 is the connection's last, and
     * {@code X-Then-Cut} is followed by the TCP connection's close. Counts each connection in
     * {@link #connections}. Returns the URL of its chat completions.
     */
    abstract URI serve(Function<Integer, String> answer) throws IOException;

    /** {@code http} or {@code https}. */
    abstract String scheme();

    /** The body of the request larger than a loopback socket's send buffer. */
    abstract int largeRequestBytes();

    /** The connection under test, read by the shared reader ({@code "reader"}) or on the calling thread ({@code "thread"}). */
    StreamingConnection open(String reader, URI url) {
        return ConnectionCalls.open(reader, url);
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

    /** Writes an answer, flushing at each {@link #FLUSH} and {@link #PAUSE} and waiting 150 ms at each {@link #PAUSE}. */
    static void write(OutputStream out, String answer) throws IOException, InterruptedException {
        int from = 0;
        for (int i = 0; i < answer.length(); i++) {
            char c = answer.charAt(i);
            if (c == PAUSE.charAt(0) || c == FLUSH.charAt(0)) {
                out.write(answer.substring(from, i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                from = i + 1;
                if (c == PAUSE.charAt(0)) {
                    Thread.sleep(150);
                }
            }
        }
        out.write(answer.substring(from).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static String chunked(String body) {
        int half = body.length() / 2;
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + ";ext=1\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
    }

    /** The first connection gets one event, then silence on an open connection; later ones a whole stream. */
    private URI serveOneEventThenSilence() throws IOException {
        String first = EVENTS.substring(0, EVENTS.indexOf("\n\n") + 2);
        return serve(n -> connections.get() > 1 ? chunked(EVENTS) : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
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
    void eventsAreTimedAsTheyArrive(String reader) throws Exception {
        String first = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n";
        String rest = "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\ndata: [DONE]\n\n";
        URI url = serve(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n" + PAUSE
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
        try (StreamingConnection c = open(reader, url)) {
            TokenMeasurement m = exchange(c).end().measurement(System.nanoTime());
            assertThat(m.error()).isNull();
            assertThat(m.ttstMs()).as("the second event timed when it came, 150 ms after the first").isBetween(140.0, 1000.0);
        }
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
    void sizedCloseDelimitedAndErrorAnswersAreRead(String reader) throws Exception {
        byte[] big = new byte[300 * 1024]; // over TLS about 19 records, read in whatever pieces: records cut across reads
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        String body = new String(big, StandardCharsets.US_ASCII);
        String error = "{\"error\":{\"message\":\"the model is overloaded\"}}";
        URI url = serve(n -> connections.get() > 1 ? "HTTP/1.0 200 OK\r\n\r\n" + EVENTS : switch (n) {
            case 0 -> "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            case 1 -> "HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + error.length() + "\r\n\r\n" + error;
            default -> "HTTP/1.0 200 OK\r\n\r\n" + EVENTS;
        });
        try (StreamingConnection c = open(reader, url)) {
            TokenStream sized = exchange(c, new TokenStream(System.nanoTime(), true, false), 5_000).end();
            assertThat(sized.error()).isNull();
            assertThat(sized.wholeBody()).isEqualTo(big);
            TokenStream failed = exchange(c).end();
            assertThat(failed.failedStatus()).isEqualTo(503);
            assertThat(failed.error()).isEqualTo("HTTP 503: the model is overloaded");
            TokenStream closeDelimited = exchange(c).end();
            assertThat(closeDelimited.error()).isNull();
            assertThat(closeDelimited.contentChunks()).isEqualTo(2);
            assertThat(connections.get()).as("the close-delimited answer came on the kept-alive connection").isEqualTo(1);
            assertThat(exchange(c).end().contentChunks()).as("a new connection after the close").isEqualTo(2);
        }
        assertThat(connections.get()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void anIdleConnectionTheServerClosedIsReplacedOnce(String reader) throws Exception {
        // the server closes after each answer without saying so (over TLS: close_notify, then TCP), as an idle timeout does
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
        URI url = serve(n -> connections.get() > 1 ? chunked(EVENTS) : "HTTP/1.1 200 OK\r\nX-Then-Cut: yes\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(EVENTS.length()) + "\r\n" + EVENTS.substring(0, 60));
        try (StreamingConnection c = open(reader, url)) {
            TokenStream s = exchange(c);
            assertThat(s.error()).isEqualTo("the stream broke after 1 chunks: the connection closed in the middle of the answer");
            assertThat(s.contentChunks()).isEqualTo(1);
            assertThat(exchange(c).end().error()).as("the next request on a new connection").isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void anUnreachableEndpointFailsWithItsCause(String reader) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (StreamingConnection c = open(reader, URI.create(scheme() + "://127.0.0.1:" + port + "/v1/completions"))) {
            assertThat(exchange(c).error()).startsWith("the stream broke after 0 chunks: Connection refused");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aStreamThatStallsEndsAtTheRequestTimeoutKeepingItsChunks(String reader) throws Exception {
        URI url = serveOneEventThenSilence();
        try (StreamingConnection c = open(reader, url)) {
            long start = System.nanoTime();
            TokenStream s = exchange(c, new TokenStream(start), 300);
            assertThat(s.error()).isEqualTo("the stream broke after 1 chunks: no complete answer within the request timeout");
            assertThat(s.contentChunks()).isEqualTo(1);
            assertThat(System.nanoTime() - start).as("ended by the timeout, not by the server").isLessThan(3_000_000_000L);
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
        byte[] request = largeRequest(largeRequestBytes()); // more than a loopback socket's send buffer: sent in parts
        try (StreamingConnection c = open(reader, url)) {
            for (int i = 0; i < 2; i++) {
                TokenStream s = new TokenStream(System.nanoTime());
                c.exchange(request, s, System.nanoTime() + 20_000_000_000L);
                assertThat(s.end().error()).isNull();
                assertThat(s.contentChunks()).isEqualTo(2);
            }
        }
        assertThat(connections.get()).as("both on one connection: the server read each body whole").isEqualTo(1);
    }
}
