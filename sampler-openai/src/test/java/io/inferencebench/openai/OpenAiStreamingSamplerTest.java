package io.inferencebench.openai;

import io.inferencebench.testsupport.EmbeddedJMeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.inferencebench.testsupport.EmbeddedJMeter.Sample;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.wave.SampleFields;

/** The sampler in a real JMeter engine against the real simulator on loopback. */
class OpenAiStreamingSamplerTest {

    private static Map<String, Object> settings(String url) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", url);
        s.put("model", "sim-model");
        s.put("maxTokens", 16);
        s.put("syntheticInputTokens", 40);
        return s;
    }

    private static double field(Sample sample, String name) {
        return Double.parseDouble(sample.fields().get(name));
    }

    @Test
    void aStreamedChatGivesTheConfiguredTokenFigures() {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.defaults().withTtft("100ms").withItl("10ms"))) {
            List<Sample> samples = EmbeddedJMeter.run(
                    OpenAiStreamingSampler.of("chat", settings(sim.baseUrl() + "/v1/chat/completions")), 3, 4);

            assertThat(samples).hasSize(12).allSatisfy(sample -> {
                assertThat(sample.result().isSuccessful()).as(sample.result().getResponseMessage()).isTrue();
                assertThat(sample.result().getSampleLabel()).isEqualTo("chat");
                assertThat(sample.fields()).containsEntry(SampleFields.OUTPUT_TOKENS, "16")
                        .containsEntry(SampleFields.INPUT_TOKENS, "40")
                        .containsEntry(SampleFields.TOKENS_COUNTED_AS, "usage")
                        .containsEntry(SampleFields.STATUS, "200");
                // generous bounds: timings are measured by the agreement test and the benchmark
                assertThat(field(sample, SampleFields.TTFT_MS)).isBetween(99.0, 400.0);
                // a late first chunk (a cold JVM) is followed by the rest on their schedule: ITL may read short
                assertThat(field(sample, SampleFields.ITL_MS)).isBetween(4.0, 40.0);
                assertThat(field(sample, SampleFields.TTST_MS)).isBetween(0.0, 200.0);
                assertThat(field(sample, SampleFields.REQUEST_LATENCY_MS)).isBetween(249.0, 1000.0);
                assertThat(sample.result().getTime()).isGreaterThanOrEqualTo(250);
                assertThat(sample.result().getLatency()).isBetween(99L, 400L);
            });
        }
    }

    @Test
    void textCompletionsAndNonStreamedAnswersAreMeasuredToo() {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.defaults().withTtft("20ms").withItl("1ms"))) {
            Map<String, Object> completions = settings(sim.baseUrl() + "/v1/completions");
            completions.put("api", "completions");
            List<Sample> streamed = EmbeddedJMeter.run(OpenAiStreamingSampler.of("text", completions), 1, 2);
            assertThat(streamed).allSatisfy(sample -> {
                assertThat(sample.result().isSuccessful()).isTrue();
                assertThat(sample.fields()).containsEntry(SampleFields.OUTPUT_TOKENS, "16");
                assertThat(field(sample, SampleFields.TTFT_MS)).isGreaterThanOrEqualTo(19.0);
            });

            Map<String, Object> whole = settings(sim.baseUrl() + "/v1/chat/completions");
            whole.put("stream", false);
            List<Sample> json = EmbeddedJMeter.run(OpenAiStreamingSampler.of("json", whole), 1, 2);
            assertThat(json).allSatisfy(sample -> {
                assertThat(sample.result().isSuccessful()).isTrue();
                assertThat(sample.fields()).containsEntry(SampleFields.OUTPUT_TOKENS, "16")
                        .containsEntry(SampleFields.INPUT_TOKENS, "40")
                        .containsEntry(SampleFields.TTFT_MS, "").containsEntry(SampleFields.ITL_MS, "");
                assertThat(field(sample, SampleFields.REQUEST_LATENCY_MS)).isGreaterThanOrEqualTo(34.0);
            });
        }
    }

    @Test
    void anErrorAnswerFailsTheSampleWithTheServersMessage() {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.defaults().withErrorRate(1.0))) {
            List<Sample> samples = EmbeddedJMeter.run(
                    OpenAiStreamingSampler.of("chat", settings(sim.baseUrl() + "/v1/chat/completions")), 1, 2);
            assertThat(samples).allSatisfy(sample -> {
                assertThat(sample.result().isSuccessful()).isFalse();
                assertThat(sample.result().getResponseCode()).isEqualTo("500");
                assertThat(sample.result().getResponseMessage()).isEqualTo("HTTP 500: Simulated server error.");
            });
        }
    }

    @Test
    void anUnreachableEndpointFailsEachSampleWithItsCause() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<Sample> samples = EmbeddedJMeter.run(
                OpenAiStreamingSampler.of("chat", settings("http://127.0.0.1:" + closedPort + "/v1/chat/completions")), 1, 2);
        assertThat(samples).hasSize(2).allSatisfy(sample -> {
            assertThat(sample.result().isSuccessful()).isFalse();
            assertThat(sample.result().getResponseMessage()).startsWith("the stream broke after 0 chunks: ");
        });
    }

    @Test
    void badSettingsStopTheTestWithOneSentence() {
        Map<String, Object> s = settings("localhost:8000");
        List<Sample> samples = EmbeddedJMeter.run(OpenAiStreamingSampler.of("chat", s), 1, 3);
        assertThat(samples).isNotEmpty().allSatisfy(sample -> {
            assertThat(sample.result().isSuccessful()).isFalse();
            assertThat(sample.result().getResponseMessage()).isEqualTo("The OpenAI Streaming Sampler's 'URL' (localhost:8000)"
                    + " is not an http(s) URL; give the full path, e.g. http://host:8000/v1/chat/completions.");
        });
    }

    @Test
    void theSettingsSurviveSerialisationForRemoteEngines() throws Exception {
        OpenAiStreamingSampler sampler = OpenAiStreamingSampler.of("chat", settings("http://127.0.0.1:1/v1/chat/completions"));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(sampler);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            OpenAiStreamingSampler copy = (OpenAiStreamingSampler) in.readObject();
            assertThat(copy.getPropertyAsString("model")).isEqualTo("sim-model");
            assertThat(copy.getPropertyAsInt("maxTokens")).isEqualTo(16);
        }
    }

    /**
     * A server that sends no usage (as some do even when asked) and packs four tokens into each of its
     * four chunks: without a tokenizer the sampler can only count 4 chunks, with the model's it counts 16.
     */
    private static com.sun.net.httpserver.HttpServer usagelessServer() throws java.io.IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                for (String words : List.of(" the of and to", " in is that it", " for on with as", " was at by be")) {
                    out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + words
                            + "\"},\"finish_reason\":null}]}\n\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        server.start();
        return server;
    }

    @Test
    void withoutUsageTheModelsTokenizerCountsTheOutput() throws Exception {
        com.sun.net.httpserver.HttpServer server = usagelessServer();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions";
            Map<String, Object> counted = settings(url);
            counted.put("tokenizerFile", ModelTokenizerTest.tokenizerJson().toString());
            assertThat(EmbeddedJMeter.run(OpenAiStreamingSampler.of("tokenizer", counted), 2, 2)).hasSize(4)
                    .allSatisfy(sample -> {
                        assertThat(sample.result().isSuccessful()).as(sample.result().getResponseMessage()).isTrue();
                        assertThat(sample.fields()).containsEntry(SampleFields.OUTPUT_TOKENS, "16")
                                .containsEntry(SampleFields.TOKENS_COUNTED_AS, "tokenizer");
                    });

            assertThat(EmbeddedJMeter.run(OpenAiStreamingSampler.of("chunks", settings(url)), 1, 1))
                    .singleElement().satisfies(sample -> assertThat(sample.fields())
                            .containsEntry(SampleFields.OUTPUT_TOKENS, "4")
                            .containsEntry(SampleFields.TOKENS_COUNTED_AS, "chunks"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBadTokenizerFileStopsTheTestWithOneSentence() {
        Map<String, Object> s = settings("http://127.0.0.1:1/v1/chat/completions");
        s.put("tokenizerFile", "/nowhere/tokenizer.json");
        assertThat(EmbeddedJMeter.run(OpenAiStreamingSampler.of("chat", s), 1, 1)).isNotEmpty().allSatisfy(sample ->
                assertThat(sample.result().getResponseMessage()).isEqualTo("The OpenAI Streaming Sampler's 'Tokenizer' file"
                        + " /nowhere/tokenizer.json does not exist or is not a file; give the model's tokenizer.json"
                        + " (from its Hugging Face repository)."));
    }
}
