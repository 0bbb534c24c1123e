package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SageMaker-runtime's response stream, inference components and chat bodies on the invocation path.
 * Real boto3 reads the same stream in the cli module's ExampleFactoriesWaveTest.
 */
class SageMakerPathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static EndpointSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = EndpointSimulator.start(SimulatorOptions.parse("latency=1ms,ttft=50ms,itl=10ms,tokens-per-chunk=2"));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Each PayloadPart with the time it arrived, in ms from the request. */
    private record Part(double atMs, String bytes) {
    }

    private static List<Part> stream(HttpResponse<InputStream> response, long sentNanos) throws Exception {
        List<Part> parts = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        try (InputStream in = response.body()) {
            byte[] prelude;
            while ((prelude = in.readNBytes(4)).length == 4) {
                int total = ByteBuffer.wrap(prelude).getInt();
                ByteArrayOutputStream message = new ByteArrayOutputStream(total);
                message.write(prelude);
                message.write(in.readNBytes(total - 4));
                double at = (System.nanoTime() - sentNanos) / 1e6;
                raw.add(message.toByteArray());
                times.add(at);
            }
        }
        for (int i = 0; i < raw.size(); i++) {
            EventStreamMessageTest.Decoded d = EventStreamMessageTest.Decoded.of(raw.get(i));
            assertThat(d.headers().get(":event-type")).isEqualTo("PayloadPart");
            parts.add(new Part(times.get(i), new String(d.payload(), StandardCharsets.UTF_8)));
        }
        return parts;
    }

    @Test
    void theResponseStreamSendsTheTokensAsPayloadPartsOnTheTokenSchedule() throws Exception {
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = CLIENT.send(post("/endpoints/llm/invocations-response-stream",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"two words\"}], \"max_tokens\": 6,"
                        + " \"stream_options\": {\"include_usage\": true}}")
                .header(EndpointSimulator.INFERENCE_COMPONENT, "ic-a").build(), HttpResponse.BodyHandlers.ofInputStream());
        List<Part> parts = stream(response, sent); // read first: the assertions' first use loads classes for a while

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.amazon.eventstream");
        // 6 tokens, 2 per chunk: 3 content parts from TTFT to TTFT + 5 ITL, then usage and [DONE]
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0).bytes()).startsWith("data: {").contains("\"content\":\" the of\"");
        assertThat(parts.get(0).atMs()).isGreaterThanOrEqualTo(50);
        // the JDK client may hand over a part with the next one; real boto3 reads each on time in the cli's tests
        assertThat(parts.get(2).atMs()).as("TTFT + 5 x ITL").isGreaterThanOrEqualTo(100);
        assertThat(parts.get(3).bytes()).contains("\"completion_tokens\":6").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aBodyThatIsNotJsonIsASageMakerValidationError() throws Exception {
        HttpResponse<String> r = CLIENT.send(post("/endpoints/llm/invocations-response-stream", "not json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-Amzn-ErrorType")).hasValue("ValidationError");
        assertThat(JSON.readTree(r.body()).get("message").asText()).isEqualTo("The request body is not valid JSON.");
    }

    @Test
    void anInferenceComponentIsNamedInTheAnswer() throws Exception {
        HttpResponse<String> r = CLIENT.send(post("/endpoints/shared/invocations", "{\"instances\": [[1], [2]]}")
                .header(EndpointSimulator.INFERENCE_COMPONENT, "resnet-ic").build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("predictions")).hasSize(2);
        assertThat(answer.get("inference_component").asText()).isEqualTo("resnet-ic");
    }

    @Test
    void aChatBodyOnTheInvocationPathIsAnsweredAsAChatCompletion() throws Exception {
        long sent = System.nanoTime();
        HttpResponse<String> r = CLIENT.send(post("/endpoints/llm/invocations",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"a b c\"}], \"max_tokens\": 4}").build(),
                HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - sent) / 1e6;
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(answer.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(ms).as("TTFT + 3 ITL").isGreaterThanOrEqualTo(80);
    }

    @Test
    void onlyATopLevelMessagesFieldMakesAChat() {
        assertThat(EndpointSimulator.hasMessages("{\"messages\": []}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(EndpointSimulator.hasMessages(" {\"a\": {\"messages\": 1}, \"messages\": 2}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(EndpointSimulator.hasMessages("{\"a\": {\"messages\": 1}}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(EndpointSimulator.hasMessages("{\"instances\": [[1]]}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(EndpointSimulator.hasMessages("1.0,2.0".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(EndpointSimulator.hasMessages(new byte[0])).isFalse();
    }
}
