package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/** --threshold gates a wave in CI: a failed one is named with its measured value and exits 1. */
class GatesTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    private JsonNode lastSummary() throws Exception {
        return RunDirectories.latestSummary(results);
    }

    @Test
    void aThresholdThatHoldsPassesAndOneThatFailsExitsOneNamingItsValue() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=30ms").withPort(0))) {
            String url = sim.baseUrl() + "/invocations";
            int passed = Benchmark.execute("--url", url, "--client-rps", "20", "--num-requests", "30", "--quiet",
                    "--threshold", "latency.p50<1s", "--threshold", "success_rate>=0.99",
                    "--threshold", "client_rps>=0.9*target", "--results-dir", results.toString());
            assertThat(passed).as(console.out() + console.err()).isEqualTo(Benchmark.PASSED);
            JsonNode gates = lastSummary().get("thresholds");
            assertThat(gates.get("passed").asBoolean()).isTrue();
            assertThat(gates.get("checks")).hasSize(3);
            assertThat(console.out()).contains("Threshold:        ✓ latency.p50<1s passed: measured");

            int failed = Benchmark.execute("--url", url, "--client-rps", "20", "--num-requests", "30", "--quiet",
                    "--threshold", "latency.p50<10ms", "--results-dir", results.toString());
            assertThat(failed).isEqualTo(Benchmark.FAILED);
            JsonNode check = lastSummary().get("thresholds").get("checks").get(0);
            assertThat(check.get("passed").asBoolean()).isFalse();
            assertThat(check.get("measured").asDouble()).isGreaterThanOrEqualTo(29.0);
            assertThat(lastSummary().get("passed").asBoolean()).as("the success rate alone passed").isTrue();
            assertThat(console.out()).containsPattern("Threshold: +❌ latency.p50<10ms failed: measured 3\\d(\\.\\d+)?, limit 10");
        }
    }

    @Test
    void aThresholdThatCannotBeReadIsBadInputBeforeAnythingRuns() {
        assertThat(Benchmark.execute("--simulate", "--obs-time", "1", "--threshold", "latency.p99<fast",
                "--results-dir", results.toString())).isEqualTo(Benchmark.BAD_INPUT);
        assertThat(console.err()).contains("Threshold 'latency.p99<fast' is not FIGURE OP VALUE");
        assertThat(results).isEmptyDirectory();
    }
}
