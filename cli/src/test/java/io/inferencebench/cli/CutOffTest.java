package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/** Requests the grace period cuts off keep their real elapsed time and say why they failed. */
class CutOffTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    private JsonNode summary() throws Exception {
        return RunDirectories.latestSummary(results);
    }

    @Test
    void aHundredTwentySecondHttpEndpointCutOffByAThreeSecondGraceShowsThreeSeconds() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=120s").withPort(0))) {
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "10", "--num-requests",
                    "3", "--grace", "3", "--quiet", "--no-warmup", "--results-dir", results.toString());
            assertThat(code).as(console.out()).isEqualTo(Benchmark.FAILED);
        }
        JsonNode s = summary();
        assertThat(s.get("fired").asLong()).isEqualTo(3);
        assertThat(s.get("failed").asLong()).isEqualTo(3);
        assertThat(s.get("succeeded").asLong() + s.get("failed").asLong()).isEqualTo(s.get("fired").asLong());
        assertThat(s.get("errors").get(0).get("message").asText()).startsWith("cut off after the grace period");
        // the schedule ends at 0.2 s, the grace 3 s later: each ran about 3 s, not 0 and not 120
        assertThat(s.get("latency_ms").get("max").asDouble()).isBetween(2500.0, 9000.0);
        assertThat(s.get("latency_ms").get("p50").asDouble()).isGreaterThan(2500.0);
    }

    @Test
    void aPythonInvokeCutOffKeepsItsElapsedTimeAndAFailedOneKeepsTheEndpointsStatus() throws Exception {
        Path factories = results.resolveSibling(results.getFileName() + "-slow.py");
        Files.writeString(factories, """
                import time, urllib.error

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        if payload == "busy":
                            raise urllib.error.HTTPError("http://endpoint/invocations", 503, "Service Unavailable", None, None)
                        time.sleep(120)
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": ["busy", "slow"]}
                """);
        int code = Benchmark.execute("--factories-file", factories.toString(), "--client-rps", "10", "--num-requests",
                "4", "--grace", "3", "--quiet", "--no-warmup", "--results-dir", results.toString());
        assertThat(code).as(console.out()).isEqualTo(Benchmark.FAILED);
        JsonNode s = summary();
        assertThat(s.get("fired").asLong()).isEqualTo(4);
        assertThat(s.get("failed").asLong()).isEqualTo(4);
        String errors = s.get("errors").toString();
        assertThat(errors).contains("cut off after the grace period").contains("503/");
        assertThat(s.get("latency_ms").get("max").asDouble()).isGreaterThan(2500.0);
        Path jtl = RunDirectories.latest(results).resolve("results.jtl");
        assertThat(Files.readAllLines(jtl)).anySatisfy(line -> assertThat(line).contains(",503,"));
    }
}
