package io.inferencebench.openai;

import static io.inferencebench.openai.ConnectionCalls.exchange;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * the JVM's default {@link SSLContext}, as a user's truststore would be. What every transport does is in
 * {@link StreamingConnectionContract}; here what only TLS has.
 */
// a read that hangs fails its test instead of the build (on the test's thread, a blocked read ignores the interrupt)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsStreamingConnectionTest extends StreamingConnectionContract {
    @TempDir
    static Path keys;
    private static SSLContext localhost;
    private static SSLContext otherName;
    private static SSLContext previousDefault;

    private ServerSocket server;
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
    @Override
    URI serve(Function<Integer, String> answer) throws IOException {
        return serve(localhost, "TLSv1.3", answer);
    }

    @Override
    String scheme() {
        return "https";
    }

    @Override
    int largeRequestBytes() {
        return 6 * 1024 * 1024;
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

    @Test
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
