package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each fault of {@code --fault}, seen on a real socket by a client that sends one request and reads all it gets. */
class SimulatorFaultsTest {

    private static final String CHAT_STREAM = "{\"stream\": true, \"max_tokens\": 8, \"messages\": []}";
    private final List<EndpointSimulator> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(EndpointSimulator::close);
    }

    private EndpointSimulator start(String options) {
        EndpointSimulator s = EndpointSimulator.start(SimulatorOptions.parse(options));
        started.add(s);
        return s;
    }

    /** What one request got before the connection ended: the bytes, and the exception that ended it, if any. */
    private record Exchange(byte[] bytes, IOException ended, long millis) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends one POST on a fresh connection and reads until the server closes or resets it. */
    private static Exchange post(EndpointSimulator s, String path, String body) throws IOException {
        long t0 = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            IOException ended = null;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                ended = e;
            }
            return new Exchange(got.toByteArray(), ended, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static long metric(EndpointSimulator s, String sample) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\d+)$", Pattern.MULTILINE).matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aResetFaultResetsTheConnectionWithoutAnswering() throws Exception {
        EndpointSimulator s = start("latency=20ms,fault=reset=1");
        for (String path : new String[] {"/invocations", "/v1/chat/completions"}) {
            Exchange e = post(s, path, path.startsWith("/v1") ? CHAT_STREAM : "{}");
            assertThat(e.bytes()).as("nothing answered on " + path).isEmpty();
            assertThat(e.ended()).as("the read ends with a reset on " + path).isNotNull();
            assertThat(e.ended().getMessage().toLowerCase(Locale.ROOT)).contains("reset");
        }
        assertThat(metric(s, "ib_sim_faults_total{kind=\"reset\"}")).isEqualTo(2);
        assertThat(metric(s, "ib_sim_requests_in_flight")).isZero();
        assertThat(metric(s, "ib_sim_requests_received_total")).isEqualTo(2);
    }

    @Test
    void aHalfFaultSendsTheHeadersAndHalfTheBodyThenCloses() throws Exception {
        EndpointSimulator s = start("fault=half=1");
        Exchange plain = post(s, "/invocations", "{\"instances\": [1, 2, 3, 4, 5, 6, 7, 8]}");
        assertThat(plain.ended()).isNull();
        String text = plain.text();
        assertThat(text).startsWith("HTTP/1.1 200 ");
        int declared = Integer.parseInt(text.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+)\r\n.*", "$1"));
        int received = text.length() - text.indexOf("\r\n\r\n") - 4;
        assertThat(received).as(text).isEqualTo(declared / 2).isPositive();

        Exchange stream = post(s, "/v1/chat/completions", CHAT_STREAM);
        String events = stream.text().substring(stream.text().indexOf("\r\n\r\n") + 4);
        assertThat(stream.text()).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-length:");
        assertThat(events.split("\n\n")).as("half of the 8 token events, no [DONE]").hasSize(4);
        assertThat(events).doesNotContain("[DONE]");
        assertThat(metric(s, "ib_sim_faults_total{kind=\"half\"}")).isEqualTo(2);
        assertThat(metric(s, "ib_sim_requests_in_flight")).isZero();
    }

    @Test
    void aCloseFaultClosesTheConnectionWithoutAnyAnswer() throws Exception {
        EndpointSimulator s = start("fault=close=1");
        Exchange plain = post(s, "/invocations", "{}");
        assertThat(plain.bytes()).isEmpty();
        assertThat(plain.ended()).as("a clean close, not a reset").isNull();
        Exchange stream = post(s, "/v1/chat/completions", CHAT_STREAM);
        assertThat(stream.bytes()).isEmpty();
        assertThat(metric(s, "ib_sim_faults_total{kind=\"close\"}")).isEqualTo(2);
        assertThat(metric(s, "ib_sim_faults_total{kind=\"reset\"}")).isZero();
    }

    @Test
    void aSlowFaultAnswersInFullAfterItsDelay() throws Exception {
        EndpointSimulator s = start("fault=slow=1:300ms");
        HttpClient client = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_STREAM)).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(millis).isGreaterThanOrEqualTo(300);
        assertThat(metric(s, "ib_sim_faults_total{kind=\"slow\"}")).isEqualTo(1);
        assertThat(metric(s, "ib_sim_requests_total{status=\"200\"}")).isEqualTo(1);
    }

    @Test
    void aMixHitsSomeRequestsAndTheSimulatorCountsEachOnce() throws Exception {
        EndpointSimulator s = start("fault=reset=0.2,half=0.2,close=0.2,slow=0.2:10ms,seed=3");
        int answered = 0;
        for (int i = 0; i < 50; i++) {
            Exchange e = post(s, "/invocations", "{}");
            if (e.ended() == null && e.text().startsWith("HTTP/1.1 200") && e.text().endsWith("}")) {
                answered++;
            }
        }
        long reset = metric(s, "ib_sim_faults_total{kind=\"reset\"}");
        long half = metric(s, "ib_sim_faults_total{kind=\"half\"}");
        long close = metric(s, "ib_sim_faults_total{kind=\"close\"}");
        assertThat(reset).isPositive();
        assertThat(half).isPositive();
        assertThat(close).isPositive();
        assertThat(metric(s, "ib_sim_faults_total{kind=\"slow\"}")).isPositive();
        assertThat(reset + half + close + answered).isEqualTo(50);
        assertThat(metric(s, "ib_sim_requests_total{status=\"200\"}")).isEqualTo(answered);
    }

    @Test
    void theServerEndsEveryBrokenConnectionOnItsSideToo() throws Exception {
        // the server answers each broken request in full, with Connection: close, and closes its side; the front's
        // relay to it ends only then, so no connection is left half open on either side
        EndpointSimulator s = start("fault=reset=0.3,half=0.3,close=0.4");
        for (int i = 0; i < 30; i++) {
            post(s, i % 2 == 0 ? "/invocations" : "/v1/chat/completions", i % 2 == 0 ? "{}" : CHAT_STREAM);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (s.frontConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(s.frontConnections()).isZero();
    }

    @Test
    void theSimulateCommandRefusesABadFaultWithOneSentence() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new picocli.CommandLine(new SimulateCommand()).setErr(new java.io.PrintWriter(err, true))
                .execute("--port", "0", "--fault", "reset=5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo(
                "Option --fault has the bad value 'reset=5': write a fraction from 0 to 1, e.g. reset=0.01 for 1% of requests.");
    }
}
