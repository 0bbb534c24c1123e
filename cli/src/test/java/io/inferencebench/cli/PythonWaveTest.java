package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.testsupport.CapturedConsole;

/** Factories-file waves through the command line, with real CPython workers and the real simulator. */
class PythonWaveTest {
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

    private JsonNode summary() throws Exception {
        return RunDirectories.latestSummary(results);
    }

    private static Path repoFile(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        return p.resolve(relative);
    }

    @Test
    void theExampleFactoriesRunAgainstTheSimulatorAndAHealthyWaveRaisesNoAlarm() throws Exception {
        int code = benchmark("--factories-file", repoFile("factories/http/factories_json_stdlib.py").toString(),
                "--simulate=latency=20ms", "--client-rps", "20", "--obs-time", "3", "--sample-client-hw");
        assertThat(code).as(console.out()).isEqualTo(0);
        JsonNode s = summary();
        assertThat(s.get("spec").get("mode").asText()).isEqualTo("python");
        assertThat(s.get("python").get("workers").asInt()).isEqualTo(1);
        assertThat(s.get("python").get("precomputed_payloads").asBoolean()).isTrue();
        assertThat(s.get("fired").asLong()).isEqualTo(60);
        assertThat(s.get("succeeded").asLong()).isEqualTo(60);
        assertThat(s.get("measurements").get("status").get("max").asDouble()).isEqualTo(200);
        assertThat(s.get("queue_ms").get("p50").asDouble()).isLessThan(5);
        JsonNode verdict = s.get("client_bottleneck");
        List<String> causes = verdict.get("causes").findValuesAsText("cause");
        if (causes.contains("client machine busy with other work")) {
            // another process took the cores (a shared CI runner, a build beside the test): the verdict says
            // so, and what it starved (Python queueing, late starts) stays a warning: the wave is valid
            assertThat(verdict.get("causes").findValuesAsText("invalidates")).as(verdict.toString())
                    .containsOnly("false");
        } else {
            assertThat(verdict.get("detected").asBoolean()).as(verdict.toString()).isFalse();
            assertThat(console.out()).doesNotContain("CLIENT BOTTLENECK");
        }
        assertThat(code).isEqualTo(Benchmark.PASSED);
        assertThat(s.get("client_hw").get("samples").asInt()).isGreaterThan(10);
        assertThat(console.out()).contains("Client CPU:");
    }

    @Test
    void aCpuHeavyCallablePayloadOnOneWorkerIsNamedAsTheBottleneck() throws Exception {
        Path factories = SlowPayloadFactories.writeInto(tmp);
        benchmark("--factories-file", factories.toString(), "--workers", "1", "--client-rps", "150", "--obs-time", "3");
        JsonNode verdict = summary().get("client_bottleneck");
        assertThat(verdict.get("detected").asBoolean()).isTrue();
        assertThat(verdict.get("causes").findValuesAsText("cause"))
                .contains("requests queued in the Python workers before invoke ran");
        assertThat(verdict.toString()).contains("more --workers", "pre-computed payloads");
        assertThat(console.out()).contains("⚠️ CLIENT BOTTLENECK detected");
    }

    @Test
    void factoriesProblemsAreBadInputBeforeAnyRunDirectory() throws Exception {
        Path broken = tmp.resolve("broken.py");
        Files.writeString(broken, "def invoke_factory(endpoint_name=None):\n    return lambda p: None\n\ndef payload_factory(:\n");
        assertThat(benchmark("--factories-file", broken.toString(), "--obs-time", "2")).isEqualTo(2);
        assertThat(console.err()).contains("broken.py:4", "syntax error");
        assertThat(benchmark("--factories-file", tmp.resolve("missing.py").toString(), "--obs-time", "2")).isEqualTo(2);
        assertThat(console.err()).contains("does not exist");
        assertThat(Files.exists(results) ? Files.list(results).count() : 0).isZero();
    }
}
