package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/** --endpoint-config through the command line: the simulator's own Prometheus metrics for the wave window. */
class ServerMetricsWaveTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    private Path config(String json) throws Exception {
        Path f = tmp.resolve("endpoint-config-" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        return f;
    }

    private JsonNode lastSummary(Path results) throws Exception {
        try (Stream<Path> runs = Files.list(results)) {
            List<Path> dirs = runs.sorted().toList();
            return new ObjectMapper().readTree(dirs.get(dirs.size() - 1).resolve("summary.json").toFile());
        }
    }

    @Test
    void theServersCountersForTheWaveWindowMatchWhatTheClientFired() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=10ms").withPort(0))) {
            Path cfg = config("[{\"stream\": \"prometheus\", \"url\": \"" + sim.baseUrl() + "/metrics\", "
                    + "\"metrics\": [\"ib_sim_requests_total\", \"ib_sim_requests_in_flight\"], \"interval\": \"500ms\"}]");
            Path results = tmp.resolve("ok");
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "20",
                    "--num-requests", "30", "--endpoint-config", cfg.toString(), "--results-dir", results.toString());
            assertThat(code).isEqualTo(0);
            JsonNode s = lastSummary(results);
            JsonNode stream = s.get("server_metrics").get("streams").get(0);
            assertThat(stream.get("status").asText()).isEqualTo("ok");
            JsonNode counter = stream.get("metrics").findParents("name").stream()
                    .filter(m -> m.get("name").asText().startsWith("ib_sim_requests_total")).findFirst().orElseThrow();
            assertThat(counter.get("statistics").get("delta").asDouble()).isEqualTo(30.0);
            try (Stream<Path> runs = Files.list(results)) {
                assertThat(runs.findFirst().orElseThrow().resolve("server_metrics.json")).exists();
            }
            assertThat(console.out()).contains("ib_sim_requests_total");
        }
    }

    @Test
    void aPrometheusThatIsDownCostsOnlyItsSectionNotTheWave() throws Exception {
        Path cfg = config("[{\"stream\": \"prometheus\", \"url\": \"http://127.0.0.1:1/metrics\", "
                + "\"metrics\": [\"up\"], \"interval\": \"1s\"}]");
        Path results = tmp.resolve("down");
        int code = Benchmark.execute("--simulate=latency=5ms", "--client-rps", "20", "--num-requests", "10",
                "--endpoint-config", cfg.toString(), "--results-dir", results.toString());
        assertThat(code).isEqualTo(0);
        JsonNode s = lastSummary(results);
        assertThat(s.get("fired").asLong()).isEqualTo(10);
        JsonNode stream = s.get("server_metrics").get("streams").get(0);
        assertThat(stream.get("status").asText()).isEqualTo("failed");
        assertThat(stream.get("error").asText()).isNotBlank().doesNotContain("\n");
    }

    @Test
    void anUnusableConfigListsEveryProblemAndRunsNothing() throws Exception {
        Path cfg = config("[{\"stream\": \"cloudwatch\", \"Namespace\": \"AWS/SageMaker\", \"Dimensions\": [], "
                + "\"Period\": 7, \"Lag\": 0, \"Metrics\": [\"CPUUtilization\"], \"Statistics\": [[\"Avg\"], [\"Maximum\"]]}, "
                + "{\"stream\": \"graphite\"}]");
        Path results = tmp.resolve("bad");
        assertThat(Benchmark.execute("--simulate", "--obs-time", "2", "--endpoint-config", cfg.toString(),
                "--results-dir", results.toString())).isEqualTo(2);
        assertThat(console.err()).contains("$[0].Period", "$[0].Statistics", "$[1].stream");
        assertThat(Files.exists(results)).isFalse();
    }
}
