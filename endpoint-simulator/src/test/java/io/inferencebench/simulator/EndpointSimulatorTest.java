package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<EndpointSimulator> started = new ArrayList<>();

    @AfterEach
    void stopSimulators() {
        started.forEach(EndpointSimulator::close);
    }

    private EndpointSimulator start(SimulatorOptions options) {
        EndpointSimulator simulator = EndpointSimulator.start(options);
        started.add(simulator);
        return simulator;
    }

    private static HttpRequest post(EndpointSimulator s, String path, String body) {
        return HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---- endpoint shapes ----

    @Test
    void listensOnLoopbackAtAFreePortByDefault() {
        EndpointSimulator s = start(SimulatorOptions.defaults());
        assertThat(s.port()).isPositive();
        assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:" + s.port());
    }

    @Test
    void sageMakerInvocationAnswersOnePredictionPerInstanceWithTheEndpointName() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults());

        HttpResponse<String> named = send(post(s, "/endpoints/my-model/invocations", "{\"instances\": [[1,2], [3,4], [5,6]]}"));
        assertThat(named.statusCode()).isEqualTo(200);
        assertThat(named.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = JSON.readTree(named.body());
        assertThat(body.get("endpoint").asText()).isEqualTo("my-model");
        assertThat(body.get("predictions").size()).isEqualTo(3);

        HttpResponse<String> csv = send(post(s, "/invocations", "1.0,2.0,3.0"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(csv.body()).get("predictions").size()).isEqualTo(1);
        assertThat(JSON.readTree(csv.body()).get("endpoint").asText()).isEqualTo("simulator");

        HttpResponse<String> array = send(post(s, "/invocations", "[{\"x\": [1, 2]}, {\"x\": [3]}]"));
        assertThat(JSON.readTree(array.body()).get("predictions").size()).isEqualTo(2);
        HttpResponse<String> nested = send(post(s, "/invocations", "{\"meta\": {\"instances\": [1]}, \"instances\": [[1], [2], [3], [4]]}"));
        assertThat(JSON.readTree(nested.body()).get("predictions").size()).isEqualTo(4);

        assertThat(s.requestCount()).isEqualTo(4);
        assertThat(s.requestCount(200)).isEqualTo(4);
    }

    @Test
    void chatCompletionAnswersInOpenAiShapeWithMaxTokensAndUsage() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withOutputTokens(5));

        HttpResponse<String> r = send(post(s, "/v1/chat/completions", "{\"model\": \"my-llm\", \"max_tokens\": 7, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"tell me a story\"}]}"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("my-llm");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText().trim().split(" ")).hasSize(7);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(7);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(11);

        JsonNode byDefault = JSON.readTree(send(post(s, "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")).body());
        assertThat(byDefault.get("usage").get("completion_tokens").asInt()).isEqualTo(5);
        assertThat(byDefault.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void legacyCompletionAnswersWithTextChoices() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults());
        JsonNode body = JSON.readTree(send(post(s, "/v1/completions",
                "{\"model\": \"m\", \"prompt\": \"once upon a time\", \"max_tokens\": 3}")).body());
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        assertThat(body.get("choices").get(0).get("text").asText().trim().split(" ")).hasSize(3);
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void requestsItCannotAnswerGetClearClientErrors() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults());
        HttpResponse<String> badJson = send(post(s, "/v1/chat/completions", "{not json"));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badJson.body()).get("error").get("message").asText()).contains("not valid JSON");
        assertThat(send(post(s, "/v1/completions", "{\"prompt\": \"x\", \"max_tokens\": 0}")).statusCode()).isEqualTo(400);

        HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/invocations")).build());
        assertThat(get.statusCode()).isEqualTo(405);

        HttpResponse<String> unknown = send(post(s, "/v2/predict", "{}"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("/v1/chat/completions");

        assertThat(s.requestCount()).as("the unknown path is not an invocation").isEqualTo(3);
        assertThat(s.requestCount(400)).isEqualTo(2);
        assertThat(s.requestCount(405)).isEqualTo(1);
    }

    @Test
    void keepsTheConnectionAliveBetweenRequests() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults());
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                String body = "{\"instances\": [" + i + "]}";
                out.write(("POST /invocations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readResponse(in)).contains("\"predictions\":[0.5]");
            }
        }
        assertThat(s.requestCount(200)).isEqualTo(3);
    }

    /** Reads one HTTP/1.1 response with a Content-Length from a raw socket. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("connection closed before the response head ended").isNotNegative();
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertThat(m.find()).isTrue();
        return new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8);
    }

    // ---- streaming ----

    @Test
    void streamsTheFirstTokenAfterTtftThenOneChunkPerTokenEveryItlThenUsageAndDone() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withTtft("200ms").withItl("20ms"));
        HttpRequest request = post(s, "/v1/chat/completions", "{\"model\": \"m\", \"stream\": true, \"max_tokens\": 10, "
                + "\"stream_options\": {\"include_usage\": true}, \"messages\": [{\"role\": \"user\", \"content\": \"hi there\"}]}");

        long sent = System.nanoTime();
        HttpResponse<InputStream> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        List<Long> contentMillis = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                assertThat(line).startsWith("data: ");
                events.add(line.substring(6));
                if (line.contains("\"content\"")) {
                    contentMillis.add((System.nanoTime() - sent) / 1_000_000);
                }
            }
        }

        assertThat(events).hasSize(12).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, 11)) {
            chunks.add(JSON.readTree(e));
        }
        for (int k = 0; k < 10; k++) {
            JsonNode choice = chunks.get(k).get("choices").get(0);
            assertThat(chunks.get(k).get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(choice.get("delta").get("content").asText()).isNotBlank();
            assertThat(choice.get("finish_reason").isNull()).isEqualTo(k < 9);
        }
        assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        JsonNode usage = chunks.get(10);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(10);
        assertThat(usage.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);

        assertThat(contentMillis).hasSize(10);
        assertThat(contentMillis.get(0)).as("time to first token, ms").isBetween(190L, 1500L);
        assertThat(contentMillis.get(9) - contentMillis.get(0)).as("nine inter-token gaps of 20 ms").isBetween(150L, 1500L);
        assertThat(s.requestCount(200)).isEqualTo(1);
        // the simulator's own lateness in writing the first chunk is part of the TTFT the client saw
        Map<String, Double> m = scrape(s);
        assertThat(m.get("ib_sim_first_token_delay_seconds_count")).isEqualTo(1.0);
        assertThat(m.get("ib_sim_first_token_delay_seconds_sum")).isBetween(0.0, (contentMillis.get(0) - 200) / 1000.0);
    }

    @Test
    void severalTokensPerChunkSpreadOverTheSameStreamLengthWithUsageCountingTokens() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.parse("ttft=100ms,itl=20ms,tokens-per-chunk=4"));
        HttpRequest request = post(s, "/v1/chat/completions", "{\"stream\": true, \"max_tokens\": 10, "
                + "\"stream_options\": {\"include_usage\": true}, \"messages\": []}");
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> contents = new ArrayList<>();
        List<Long> contentMillis = new ArrayList<>();
        String usage = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains("\"content\"")) {
                    contentMillis.add((System.nanoTime() - sent) / 1_000_000);
                    contents.add(JSON.readTree(line.substring(6)).get("choices").get(0).get("delta").get("content").asText());
                } else if (line.contains("\"usage\"")) {
                    usage = line.substring(6);
                }
            }
        }
        // 10 tokens as 4 + 4 + 2, the first at TTFT and the last at TTFT + 9 x ITL
        assertThat(contents).extracting(c -> c.trim().split(" ").length).containsExactly(4, 4, 2);
        assertThat(JSON.readTree(usage).get("usage").get("completion_tokens").asInt()).isEqualTo(10);
        assertThat(contentMillis.get(0)).isBetween(95L, 1000L);
        assertThat(contentMillis.get(2)).as("TTFT and nine gaps of 20 ms").isBetween(275L, 2000L);
        assertThat(SimulatorOptions.parse("tokens-per-chunk=4").describe()).endsWith(", 4 tokens per chunk");
    }

    @Test
    void aPrefillRateMakesTtftGrowWithThePrompt() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.parse("ttft=10ms,prefill-rate=1000"));
        String words = "word ".repeat(300);
        HttpRequest request = post(s, "/v1/chat/completions", "{\"stream\": true, \"max_tokens\": 1, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + words + "\"}]}");
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long firstMillis = -1;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (firstMillis < 0 && line.contains("\"content\"")) {
                    firstMillis = (System.nanoTime() - sent) / 1_000_000;
                }
            }
        }
        // 300 prompt tokens at 1000 tokens/s: 300 ms on top of the 10 ms TTFT
        assertThat(firstMillis).isBetween(305L, 2000L);
        assertThatThrownBy(() -> SimulatorOptions.parse("prefill-rate=fast"))
                .hasMessageContaining("--simulate prefill-rate has the bad value 'fast'");
    }

    @Test
    void streamsWithoutUsageChunkUnlessAskedAndUsesOutputTokensByDefault() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withOutputTokens(4));
        String body = send(post(s, "/v1/completions", "{\"prompt\": \"x\", \"stream\": true}")).body();
        List<String> events = body.lines().filter(l -> !l.isEmpty()).toList();
        assertThat(events).hasSize(5).allMatch(l -> l.startsWith("data: ")).last().isEqualTo("data: [DONE]");
        assertThat(events.subList(0, 4)).allMatch(l -> l.contains("\"object\":\"text_completion\"") && !l.contains("usage"));
    }

    @Test
    void aStreamHoldsItsCapacitySlotUntilItsLastToken() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withCapacity(1).withTtft("100ms").withItl("25ms"));
        String body = "{\"stream\": true, \"max_tokens\": 5, \"messages\": []}";
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(post(s, "/v1/chat/completions", body),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = CLIENT.sendAsync(post(s, "/v1/chat/completions", body),
                HttpResponse.BodyHandlers.ofString());
        long secondDone = millisSince(t0, second);
        long firstDone = millisSince(t0, first);

        // each stream takes 100 + 4 x 25 = 200 ms, one after the other
        assertThat(Math.max(firstDone, secondDone)).isBetween(390L, 4000L);
        assertThat(first.join().body()).endsWith("data: [DONE]\n\n");
        assertThat(second.join().body()).endsWith("data: [DONE]\n\n");
        assertThat(s.requestCount(200)).isEqualTo(2);
    }

    // ---- behaviour under load ----

    @Test
    void errorRateAnswersThatFractionWithHttp500() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withErrorRate(0.25));
        Map<Integer, Integer> byStatus = new HashMap<>();
        String lastError = null;
        for (int i = 0; i < 400; i++) {
            HttpResponse<String> r = send(post(s, i % 2 == 0 ? "/invocations" : "/v1/chat/completions",
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));
            byStatus.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 500) {
                lastError = r.body();
            }
        }
        assertThat(byStatus.keySet()).containsOnly(200, 500);
        assertThat(byStatus.get(500)).as("~100 of 400").isBetween(60, 140);
        assertThat(lastError).contains("Simulated server error");
        assertThat(s.requestCount(500)).isEqualTo(byStatus.get(500).longValue());
        assertThat(s.requestCount(200)).isEqualTo(byStatus.get(200).longValue());
        assertThat(s.requestCount()).isEqualTo(400);
    }

    @Test
    void capacityCapsThroughputAtCapacityOverLatencyAndQueuesTheRest() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withCapacity(4).withLatency("100ms"));
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            inFlight.add(CLIENT.sendAsync(post(s, "/invocations", "{}"), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(500);
        Map<String, Double> during = scrape(s);
        CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(inFlight).allMatch(f -> f.join().statusCode() == 200);
        assertThat(during.get("ib_sim_requests_in_service")).isEqualTo(4.0);
        assertThat(during.get("ib_sim_requests_queued")).isPositive();
        assertThat(during.get("ib_sim_utilization_percent")).as("all slots busy so far").isGreaterThan(50.0);
        // 80 requests / (4 / 0.1 s) = 2 s at least; ~40 requests/s
        assertThat(seconds).isBetween(1.95, 8.0);
        assertThat(80 / seconds).isBetween(10.0, 41.0);
    }

    @Test
    void unlimitedCapacityServesThousandsOfDelayedRequestsAtOnceOnAFewThreads() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withLatency("300ms"));
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            inFlight.add(CLIENT.sendAsync(post(s, "/invocations", "{}"), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(150);
        long simulatorThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("simulator-")).count();
        CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).join();
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(inFlight).allMatch(f -> f.join().statusCode() == 200);
        assertThat(seconds).as("all 300 served concurrently, not one after another").isBetween(0.3, 5.0);
        assertThat(simulatorThreads).isLessThan(40);
    }

    @Test
    void aStallHoldsRequestsInServiceAndArrivingUntilItEnds() throws Exception {
        long t0 = System.nanoTime();
        EndpointSimulator s = start(SimulatorOptions.defaults().withLatency("500ms").withStall("300ms:700ms"));
        CompletableFuture<HttpResponse<String>> inService =
                CLIENT.sendAsync(post(s, "/invocations", "{}"), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(Math.max(0, 450 - (System.nanoTime() - t0) / 1_000_000));
        CompletableFuture<HttpResponse<String>> arriving =
                CLIENT.sendAsync(post(s, "/invocations", "{}"), HttpResponse.BodyHandlers.ofString());
        long inServiceDone = millisSince(t0, inService);
        long arrivingDone = millisSince(t0, arriving);

        // without the stall: 500 ms and 950 ms; with it, 500 + 700 and 1000 + 500
        assertThat(inServiceDone).isBetween(1150L, 4000L);
        assertThat(arrivingDone).isBetween(1450L, 4000L);
        assertThat(inService.join().statusCode()).isEqualTo(200);
        assertThat(arriving.join().statusCode()).isEqualTo(200);
    }

    private static long millisSince(long t0, CompletableFuture<HttpResponse<String>> f) {
        f.join();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    // ---- metrics ----

    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)(\\{[^}]*\\})? (\\S+)");

    /** Parses the exposition strictly: every line is a comment or a {@code name{labels} value} sample. */
    private static Map<String, Double> scrape(EndpointSimulator s) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/metrics")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    @Test
    void metricsCountWhatWasSentAndParseAsPrometheusText() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withLatency("uniform:1ms-30ms"));
        for (int i = 0; i < 12; i++) {
            assertThat(send(post(s, i % 3 == 0 ? "/endpoints/a/invocations" : "/v1/chat/completions",
                    "{\"max_tokens\": 2, \"messages\": []}")).statusCode()).isEqualTo(200);
        }
        send(post(s, "/v1/completions", "oops"));
        send(post(s, "/nowhere", "{}"));

        Map<String, Double> m = scrape(s);
        assertThat(m.get("ib_sim_requests_received_total")).isEqualTo(13.0);
        assertThat(m.get("ib_sim_requests_total{status=\"200\"}")).isEqualTo(12.0);
        assertThat(m.get("ib_sim_requests_total{status=\"400\"}")).isEqualTo(1.0);
        assertThat(m.get("ib_sim_requests_in_flight")).isZero();
        // a chat body is a chat completion on the invocation path too (an LLM container's Messages API)
        assertThat(m.get("ib_sim_output_tokens_total")).isEqualTo(24.0);
        assertThat(m.get("ib_sim_request_duration_seconds_count")).isEqualTo(13.0);
        assertThat(m.get("ib_sim_first_token_delay_seconds_count")).as("whole answers have no first chunk").isZero();
        assertThat(m.get("ib_sim_request_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(13.0);
        assertThat(m.get("ib_sim_request_duration_seconds_bucket{le=\"0.001\"}")).isNull();
        assertThat(m.get("ib_sim_request_duration_seconds_bucket{le=\"0.05\"}")).isBetween(8.0, 13.0);
        assertThat(m.get("ib_sim_request_duration_seconds_sum")).isBetween(8 * 0.001, 13 * 1.0);
        double previous = 0;
        for (double bound : SimulatorMetrics.BUCKETS) {
            double cumulative = m.get("ib_sim_request_duration_seconds_bucket{le=\"" + fmt(bound) + "\"}");
            assertThat(cumulative).isGreaterThanOrEqualTo(previous);
            previous = cumulative;
        }
        assertThat(m.get("ib_sim_utilization_percent")).isBetween(0.0, 100.0);
        assertThat(m.get("ib_sim_capacity")).isZero();
    }

    private static String fmt(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }

    @Test
    void utilizationIsZeroWhenIdle() throws Exception {
        EndpointSimulator s = start(SimulatorOptions.defaults().withCapacity(8));
        Thread.sleep(200);
        assertThat(scrape(s).get("ib_sim_utilization_percent")).isZero();
    }

    // ---- the LLM server model ----

    @Test
    void aStreamsTokensSlowDownForEveryOtherSequenceInTheBatch() throws Exception {
        // 20 tokens after a 300 ms TTFT: alone 300 + 19 x 10 = 490 ms; four at once 300 + 19 x (10 + 3 x 10) = 1060 ms
        EndpointSimulator s = start(SimulatorOptions.parse("max-batch=4,ttft=300ms,itl=10ms,itl-per-seq=10ms"));
        String body = "{\"stream\": true, \"max_tokens\": 20, \"messages\": []}";
        long t0 = System.nanoTime();
        long alone = millisSince(t0, CLIENT.sendAsync(post(s, "/v1/chat/completions", body), HttpResponse.BodyHandlers.ofString()));

        List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
        long t1 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            batch.add(CLIENT.sendAsync(post(s, "/v1/chat/completions", body), HttpResponse.BodyHandlers.ofString()));
        }
        List<Long> together = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : batch) {
            together.add(millisSince(t1, f));
            assertThat(f.join().body()).endsWith("data: [DONE]\n\n");
            assertThat(f.join().body().lines().filter(l -> l.contains("\"content\"")).count()).isEqualTo(20);
        }
        assertThat(alone).isBetween(490L, 1000L);
        assertThat(together).allMatch(ms -> ms >= 1000, "each of four takes 19 steps of 40 ms: " + together);
    }

    @Test
    void aDistributionDrawsEachLengthFromTheSeedCappedByMaxTokens() throws Exception {
        List<Integer> first = completionTokens(start(SimulatorOptions.parse("output-tokens=uniform:5-50,seed=42")), null);
        List<Integer> again = completionTokens(start(SimulatorOptions.parse("output-tokens=uniform:5-50,seed=42")), null);
        List<Integer> other = completionTokens(start(SimulatorOptions.parse("output-tokens=uniform:5-50,seed=43")), null);
        assertThat(first).allMatch(n -> n >= 5 && n <= 50).isEqualTo(again).isNotEqualTo(other);
        assertThat(first.stream().distinct().count()).isGreaterThan(5);

        EndpointSimulator capped = start(SimulatorOptions.parse("output-tokens=uniform:5-50"));
        assertThat(completionTokens(capped, 20)).allMatch(n -> n >= 5 && n <= 20).contains(20);
    }

    /** Completion tokens of 20 streamed chat completions sent one after the other, checked against the chunks streamed. */
    private static List<Integer> completionTokens(EndpointSimulator s, Integer maxTokens) throws Exception {
        List<Integer> tokens = new ArrayList<>();
        String max = maxTokens == null ? "" : "\"max_tokens\": " + maxTokens + ", ";
        for (int i = 0; i < 20; i++) {
            String body = send(post(s, "/v1/chat/completions", "{" + max + "\"stream\": true, "
                    + "\"stream_options\": {\"include_usage\": true}, \"messages\": []}")).body();
            List<String> content = body.lines().filter(l -> l.contains("\"content\"")).toList();
            int n = JSON.readTree(body.lines().filter(l -> l.contains("\"usage\"")).findFirst().orElseThrow()
                    .substring("data: ".length())).get("usage").get("completion_tokens").asInt();
            assertThat(content).hasSize(n);
            String finish = n == (maxTokens == null ? -1 : maxTokens) ? "\"length\"" : "\"stop\"";
            assertThat(content.get(n - 1)).contains("\"finish_reason\":" + finish);
            tokens.add(n);
        }
        return tokens;
    }

    // ---- start-up errors ----

    @Test
    void aPortInUseIsAClearUserError() {
        EndpointSimulator first = start(SimulatorOptions.defaults());
        assertThatThrownBy(() -> start(SimulatorOptions.defaults().withPort(first.port())))
                .isInstanceOf(SimulatorOptionsException.class)
                .hasMessage("Port " + first.port() + " on 127.0.0.1 is already in use: stop what listens there or "
                        + "choose another with --port (0 picks a free one).");
    }
}
