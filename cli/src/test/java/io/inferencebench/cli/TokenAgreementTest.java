package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.testsupport.CapturedConsole;

/**
 * The native sampler and the Python factories route (factories/openai_compatible/factories_chat_stdlib.py on real CPython)
 * over the same simulated streams, 64 tokens with TTFT 200 ms and ITL 20 ms, one and four tokens per
 * chunk: both report TTFT and ITL within 2% of what the simulator was told, and exactly its tokens.
 */
class TokenAgreementTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    private JsonNode tokens(Path results, String... args) throws Exception {
        int code = Benchmark.execute(Stream.concat(Stream.of(args), Stream.of("--client-rps", "10", "--num-requests", "30",
                "--results-dir", results.toString())).toArray(String[]::new));
        assertThat(code).as(console.out()).isEqualTo(0);
        return RunDirectories.latestSummary(results).get("tokens");
    }

    private static Path repoFile(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        return p.resolve(relative);
    }

    @ParameterizedTest(name = "{0} tokens per chunk")
    @ValueSource(ints = {1, 4})
    void bothRoutesReadTheConfiguredTtftItlAndTokens(int tokensPerChunk) throws Exception {
        String simulate = "--simulate=ttft=200ms,itl=20ms,tokens-per-chunk=" + tokensPerChunk;
        JsonNode ours = tokens(tmp.resolve("native"), simulate, "--openai", "chat", "--model", "sim");
        JsonNode python = tokens(tmp.resolve("python"), simulate, "--factories-file",
                repoFile("factories/openai_compatible/factories_chat_stdlib.py").toString());

        String figures = String.format(java.util.Locale.ROOT,
                "%d tokens per chunk: TTFT p50 ours %.2f python %.2f; ITL p50 ours %.3f python %.3f",
                tokensPerChunk, ours.get("time_to_first_token_ms").get("p50").asDouble(),
                python.get("time_to_first_token_ms").get("p50").asDouble(),
                ours.get("inter_token_latency_ms").get("p50").asDouble(),
                python.get("inter_token_latency_ms").get("p50").asDouble());
        Files.writeString(Path.of("target", "token-agreement-" + tokensPerChunk + ".txt"), figures + "\n");
        for (JsonNode t : List.of(ours, python)) {
            assertThat(t.get("requests").asLong()).isEqualTo(30);
            assertThat(t.get("tokens_counted_as").asText()).isEqualTo("usage");
            assertThat(t.get("total_output_tokens").asLong()).as("tokens exact").isEqualTo(30 * 64);
            assertThat(t.get("output_tokens").get("min").asDouble()).isEqualTo(64);
            assertThat(t.get("output_tokens").get("max").asDouble()).isEqualTo(64);
            assertThat(t.get("time_to_first_token_ms").get("p50").asDouble()).as(figures).isCloseTo(200, withPercentage(2));
            assertThat(t.get("inter_token_latency_ms").get("p50").asDouble()).as(figures).isCloseTo(20, withPercentage(2));
        }
    }
}
