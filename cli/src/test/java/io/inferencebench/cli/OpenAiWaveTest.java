package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.testsupport.CapturedConsole;

/** LLM waves through the command line, with the real simulator streaming tokens. */
class OpenAiWaveTest {
    private static final String KEY = "sk-test-DO-NOT-LEAK-4711";

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;
    private Path results;

    @BeforeEach
    void resultsDirectory() {
        results = tmp.resolve("results");
    }

    private int benchmark(String... args) {
        return Benchmark.execute(Stream.concat(Stream.of(args), Stream.of("--results-dir", results.toString()))
                .toArray(String[]::new));
    }

    private Path run() throws Exception {
        return RunDirectories.latest(results);
    }

    @Test
    void aStreamedWaveHasATokensSectionTokenLinesAndTokenColumnsAndNoKeyInAnyFile() throws Exception {
        int code = benchmark("--simulate=ttft=100ms,itl=5ms", "--openai", "chat", "--model", "sim-7b",
                "--max-tokens", "32", "--synthetic-input-tokens", "50", "--api-key", KEY, "--slo", "ttft<5s,itl<1s",
                "--client-rps", "10", "--num-requests", "20");
        assertThat(code).as(console.out()).isEqualTo(0);
        Path run = run();
        JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertThat(s.get("spec").get("mode").asText()).isEqualTo("openai");
        assertThat(s.get("spec").get("target").asText()).endsWith("/v1/chat/completions");
        JsonNode tokens = s.get("tokens");
        assertThat(tokens.get("requests").asLong()).isEqualTo(20);
        assertThat(tokens.get("tokens_counted_as").asText()).isEqualTo("usage");
        assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(20 * 32);
        assertThat(tokens.get("total_input_tokens").asLong()).isEqualTo(20 * 50);
        assertThat(tokens.get("output_tokens").get("p50").asDouble()).isEqualTo(32);
        assertThat(tokens.get("time_to_first_token_ms").get("p50").asDouble()).isBetween(99.0, 300.0);
        assertThat(tokens.get("inter_token_latency_ms").get("p50").asDouble()).isBetween(4.5, 15.0);
        assertThat(tokens.get("output_token_throughput").asDouble()).isGreaterThan(0);
        assertThat(tokens.get("good_requests").asLong()).as("every request within the SLOs").isEqualTo(20);
        assertThat(tokens.get("goodput").asDouble()).isGreaterThan(0);
        assertThat(console.out()).contains("Output tokens:").contains("TTFT (ms):").contains("ITL (ms):").contains("Goodput:")
                .contains("(counted as usage)").doesNotContain(KEY);
        assertThat(Files.readString(run.resolve("results.jtl")).lines().findFirst().orElseThrow())
                .contains("\"ib_ttft_ms\"", "\"ib_itl_ms\"", "\"ib_ttst_ms\"", "\"ib_request_latency_ms\"");
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(KEY);
            }
        }
        assertThat(Files.readString(run.resolve("plan.jmx"))).contains("${__P(ib.header.1)}");
    }

    @Test
    void aNonStreamedWaveHasLatencyAndUsageTokensOnly() throws Exception {
        int code = benchmark("--simulate=ttft=20ms,itl=1ms", "--openai", "completions", "--model", "m", "--no-stream",
                "--max-tokens", "8", "--client-rps", "10", "--num-requests", "5", "--no-warmup");
        assertThat(code).as(console.out()).isEqualTo(0);
        JsonNode tokens = new ObjectMapper().readTree(run().resolve("summary.json").toFile()).get("tokens");
        assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(40);
        assertThat(tokens.has("time_to_first_token_ms")).isFalse();
        assertThat(tokens.has("goodput")).as("no --slo, no goodput").isFalse();
        assertThat(tokens.get("request_latency_ms").get("p50").asDouble()).isGreaterThanOrEqualTo(27.0);
        assertThat(console.out()).doesNotContain("TTFT (ms):");
    }

    /**
     * {@code --timeout} reaches the sampler: streams of about 2 s (TTFT 100 ms, 20 tokens 100 ms apart) end at
     * the 1 s timeout, failed with the timeout's cause and their tokens so far; without it a stream keeps the
     * sampler's own 600 s, for the reasoning models whose answers take minutes.
     */
    @Test
    void timeoutEndsStreamsThatRunLongerAndOtherwiseStaysTheSamplers() throws Exception {
        int code = benchmark("--simulate=ttft=100ms,itl=100ms", "--openai", "chat", "--model", "m", "--max-tokens", "20",
                "--timeout", "1", "--client-rps", "5", "--num-requests", "3", "--no-warmup", "--success-threshold", "0");
        assertThat(code).as(console.out()).isEqualTo(0);
        Path run = run();
        assertThat(Files.readString(run.resolve("plan.jmx"))).contains("<intProp name=\"requestTimeoutSeconds\">1</intProp>");
        java.util.List<String> rows = Files.readAllLines(run.resolve("results.jtl"));
        assertThat(rows).hasSize(4);
        for (String row : rows.subList(1, rows.size())) {
            assertThat(row).contains("no complete answer within the request timeout").contains(",false,");
            long elapsed = Long.parseLong(row.split(",")[1]);
            assertThat(elapsed).as("ended by the timeout, within the reader's 100 ms look").isBetween(1_000L, 1_600L);
        }

        int plain = benchmark("--simulate=ttft=5ms,itl=1ms", "--openai", "chat", "--model", "m", "--max-tokens", "4",
                "--client-rps", "5", "--num-requests", "2", "--no-warmup");
        assertThat(plain).as(console.out()).isEqualTo(0);
        assertThat(Files.readString(run().resolve("plan.jmx"))).contains("<intProp name=\"requestTimeoutSeconds\">600</intProp>");
    }

    @Test
    void anHttpWaveHasNoTokensSection() throws Exception {
        int code = benchmark("--simulate=latency=5ms", "--client-rps", "10", "--num-requests", "5", "--no-warmup");
        assertThat(code).as(console.out()).isEqualTo(0);
        assertThat(new ObjectMapper().readTree(run().resolve("summary.json").toFile()).has("tokens")).isFalse();
        assertThat(console.out()).doesNotContain("Output tokens:");
    }
}
