package io.inferencebench.openai;

import static io.inferencebench.openai.ConnectionCalls.exchange;
import static io.inferencebench.openai.ConnectionCalls.largeRequest;
import static io.inferencebench.openai.ConnectionCalls.open;
import static io.inferencebench.openai.ConnectionCalls.stopLater;

import static io.inferencebench.openai.StreamingConnectionTest.EVENTS;
import static io.inferencebench.openai.StreamingConnectionTest.chunked;
import static io.inferencebench.openai.StreamingConnectionTest.readRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code https://} by both readers, the shared {@link StreamReader} ({@link TlsLayer}) and the JMeter
 * thread's {@code SSLSocket}, against a real TLS server on 127.0.0.1: a raw server socket whose
 * connections are wrapped in the JDK's TLS, so a test can also cut the TCP connection under the TLS.
 * Its certificates are made by the JDK's {@code keytool} for this run; the client trusts them through
 * the JVM's default {@link SSLContext}, as a user's truststore would be.
 */
// a read that hangs fails its test instead of the build (on the test's thread, a blocked read ignores the interrupt)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsStreamingConnectionTest {
    /** In an answer: flush what came before, and wait 150 ms before the rest. */
    private static final String PAUSE = "\u0001";
    /** In an answer: flush what came before (its own TLS record). */
    private static final String FLUSH = "\u0002";

    @TempDir
    static Path keys;
    private static SSLContext localhost;
    private static SSLContext otherName;
    private static SSLContext previousDefault;

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> protocols = new ConcurrentLinkedQueue<>();
    private final List<Socket> held = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        KeyStore localhostKeys = keyStore("localhost", "dns:localhost,ip:127.0.0.1");
        KeyStore otherKeys = keyStore("other.example", "dns:other.example");
        localhost = serverContext(localhostKeys);
        otherName = serverContext(otherKeys);
        // the client trusts both: the other one fails for the name it gives, not for who signed it
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("localhost", localhostKeys.getCertificate("server"));
        trusted.setCertificateEntry("other", otherKeys.getCertificate("server"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(client);
    }

    @AfterAll
    static void restoreTheDefault() {
        if (previousDefault != null) {
            SSLContext.setDefault(previousDefault);
        }
    }

    private static KeyStore keyStore(String name, String san) throws Exception {
        Path file = keys.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(System.getProperty("java.home") + "/bin/keytool", "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "secret", "-keypass", "secret")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, "secret".toCharArray());
        }
        return store;
    }

    private static SSLContext serverContext(KeyStore store) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "secret".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** Serves {@code answer(n)} for the n-th request on each connection with the localhost certificate, over TLS 1.3. */
    private URI serve(Function<Integer, String> answer) throws IOException {
        return serve(localhost, "TLSv1.3", answer);
    }

    /**
     * Serves {@code answer(n)} for the n-th request on each connection; null closes the connection (with
     * close_notify, as a TLS server does); an answer with {@code X-Then-Cut} is followed by the TCP
     * connection's close, without close_notify, as a crash or a network cut ends it.
     */
    private URI serve(SSLContext context, String protocol, Function<Integer, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket plain = server.accept()) {
                    connections.incrementAndGet();
                    // as streaming servers do: else a small record waits for the ACK of the one before (the
                    // session ticket), up to the client's 40 ms delayed ACK, and the event arrives that late
                    plain.setTcpNoDelay(true);
                    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, null, true);
                    s.setEnabledProtocols(new String[] {protocol});
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    boolean cut = false;
                    for (int n = 0; ; n++) {
                        if (!readRequest(in)) {
                            break;
                        }
                        protocols.add(s.getSession().getProtocol());
                        String a = answer.apply(n);
                        if (a == null) {
                            break;
                        }
                        write(out, a);
                        cut = a.contains("X-Then-Cut");
                        if (cut || a.contains("Connection: close") || !a.startsWith("HTTP/1.1")) {
                            break;
                        }
                    }
                    if (!cut) {
                        s.close(); // close_notify, then the TCP close
                    }
                } catch (IOException | InterruptedException e) {
                    // next connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("https://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
    }

    private static void write(OutputStream out, String answer) throws IOException, InterruptedException {
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

    /** A server that accepts TCP connections and never says a word: no TLS handshake. */
    private URI serveSilence() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("https://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
    }




    /** 64 content events and the usage, each in its own chunk and its own TLS record. */
    private static String sixtyFourEvents() {
        StringBuilder a = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 66; i++) {
            String event = i < 64 ? "data: {\"choices\":[{\"delta\":{\"content\":\" t" + i + "\"}}]}\n\n"
                    : i == 64 ? "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":64}}\n\n"
                    : "data: [DONE]\n\n";
            a.append(FLUSH).append(Integer.toHexString(event.length())).append("\r\n").append(event).append("\r\n");
        }
        return a.append("0\r\n\r\n").toString();
    }

    @ParameterizedTest
    @CsvSource({"reader, TLSv1.3", "reader, TLSv1.2", "thread, TLSv1.3", "thread, TLSv1.2"})
    void aStreamOf64EventsIsReadThreeTimesOnOneKeptAliveConnection(String reader, String protocol) throws Exception {
        URI url = serve(localhost, protocol, n -> sixtyFourEvents());
        try (StreamingConnection c = open(reader, url)) {
            for (int i = 0; i < 3; i++) {
                TokenStream s = exchange(c).end();
                assertThat(s.error()).isNull();
                assertThat(s.contentChunks()).isEqualTo(64);
                assertThat(s.measurement(System.nanoTime()).outputTokens()).isEqualTo(64);
            }
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(protocols).containsOnly(protocol).hasSize(3);
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
    void sizedCloseDelimitedAndErrorAnswersAreRead(String reader) throws Exception {
        byte[] big = new byte[300 * 1024]; // about 19 records, read in whatever pieces: records cut across reads
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
        // the server closes after each answer (close_notify, then TCP) without saying so, as an idle timeout does
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

    /** The first connection gets one event, then silence on an open connection; later ones a whole stream. */
    private URI serveOneEventThenSilence() throws IOException {
        String first = EVENTS.substring(0, EVENTS.indexOf("\n\n") + 2);
        return serve(n -> connections.get() > 1 ? chunked(EVENTS) : "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
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
            Thread stopper = stopLater(c);
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
    void aHandshakeThatNeverCompletesEndsAtTheRequestTimeoutOrAStop(String reader) throws Exception {
        URI url = serveSilence();
        try (StreamingConnection c = open(reader, url)) {
            long start = System.nanoTime();
            TokenStream s = exchange(c, new TokenStream(start), 300);
            assertThat(s.error()).isEqualTo("the stream broke after 0 chunks: no complete answer within the request timeout");
            assertThat(System.nanoTime() - start).isLessThan(3_000_000_000L);
        }
        try (StreamingConnection c = open(reader, url)) {
            Thread stopper = stopLater(c);
            long start = System.nanoTime();
            TokenStream s = exchange(c);
            assertThat(s.error()).isEqualTo("the stream broke after 0 chunks: the test was stopped during the request");
            assertThat(System.nanoTime() - start).as("ended by the stop, not by the 5 s timeout").isLessThan(4_000_000_000L);
            stopper.join();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aRequestLargerThanTheSocketTakesAtOnceIsSentWhole(String reader) throws Exception {
        URI url = serve(n -> chunked(EVENTS));
        byte[] request = largeRequest(6 * 1024 * 1024); // more than a loopback socket's send buffer: sent in parts
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

    @ParameterizedTest
    @ValueSource(strings = {"reader", "thread"})
    void aCertificateThatDoesNotNameTheHostFailsTheRequestSayingSo(String reader) throws Exception {
        URI url = serve(otherName, "TLSv1.3", n -> chunked(EVENTS));
        try (StreamingConnection c = open(reader, url)) {
            TokenStream s = exchange(c);
            assertThat(s.error()).startsWith("the stream broke after 0 chunks: the server's TLS certificate check failed: ")
                    .contains("127.0.0.1")
                    .doesNotContain("\n")
                    .doesNotContain("Exception");
            assertThat(protocols).as("no request reached the server").isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void httpsIsReadByTheSharedReaderUnlessTheThreadRouteIsAsked() {
        URI url = URI.create("https://127.0.0.1:1/v1/chat/completions");
        assertThat(StreamingConnection.to(url)).isInstanceOf(ReaderConnection.class);
        String before = System.getProperty("ib.openai.reader");
        System.setProperty("ib.openai.reader", "thread");
        try {
            assertThat(StreamingConnection.to(url)).isInstanceOf(BlockingConnection.class);
        } finally {
            if (before == null) {
                System.clearProperty("ib.openai.reader");
            } else {
                System.setProperty("ib.openai.reader", before);
            }
        }
    }
}
