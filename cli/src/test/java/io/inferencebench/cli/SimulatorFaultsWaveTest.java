package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.FaultMix.Fault;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/**
 * A wave against a simulator that resets, half answers, closes unanswered and delays some of its
 * requests ({@code --fault}), through the HTTP route and the Python factories route: every request is
 * counted once, each failure is one the simulator made and is named in summary.json's errors, and
 * the wave ends as failed (exit 1), not as a crash.
 */
class SimulatorFaultsWaveTest {
    private static final int REQUESTS = 100;
    private static final String FAULTY = "latency=10ms,fault=reset=0.1,half=0.1,close=0.1,slow=0.1:200ms,seed=5";

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    private static Path example(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("factories"))) {
            p = p.getParent();
        }
        return p.resolve("factories").resolve(relative);
    }

    /** Runs the wave; its summary.json after the checks every route shares. */
    private JsonNode faultyWave(EndpointSimulator sim, String... route) throws Exception {
        List<String> args = new ArrayList<>(List.of(route));
        // what is tested is how faults are counted, not the client's delivery on a shared, loaded machine: a client
        // found limited there still gives its verdict by the success rate
        args.addAll(List.of("--client-rps", "50", "--num-requests", String.valueOf(REQUESTS), "--no-warmup", "--quiet",
                "--allow-client-bottleneck", "--results-dir", results.toString()));
        int code = Benchmark.execute(args.toArray(String[]::new));
        assertThat(code).as(console.out() + console.err()).isEqualTo(Benchmark.FAILED);
        JsonNode s = RunDirectories.latestSummary(results);

        long broken = sim.faultCount(Fault.RESET) + sim.faultCount(Fault.HALF) + sim.faultCount(Fault.CLOSE);
        String figures = "summary " + s + "; simulator reset " + sim.faultCount(Fault.RESET) + ", half "
                + sim.faultCount(Fault.HALF) + ", close " + sim.faultCount(Fault.CLOSE) + ", slow " + sim.faultCount(Fault.SLOW);
        assertThat(sim.faultCount(Fault.RESET)).as(figures).isPositive();
        assertThat(sim.faultCount(Fault.HALF)).as(figures).isPositive();
        assertThat(sim.faultCount(Fault.CLOSE)).as(figures).isPositive();
        assertThat(sim.faultCount(Fault.SLOW)).as(figures).isPositive();

        // each request fired once, reached the server once, and ended once: as a success or as a named failure
        assertThat(s.get("fired").asLong()).as(figures).isEqualTo(REQUESTS);
        assertThat(s.get("completed").asLong()).as(figures).isEqualTo(REQUESTS);
        assertThat(sim.requestCount()).as("no retries behind the client's back: " + figures).isEqualTo(REQUESTS);
        assertThat(s.get("succeeded").asLong() + s.get("failed").asLong()).as(figures).isEqualTo(REQUESTS);
        assertThat(s.get("failed").asLong()).as("the failures are the simulator's faults: " + figures).isEqualTo(broken);
        assertThat(s.get("passed").asBoolean()).isFalse();

        long named = 0;
        for (JsonNode e : s.get("errors")) {
            assertThat(e.get("message").asText()).as(figures).isNotBlank().doesNotContain("null");
            named += e.get("count").asLong();
        }
        assertThat(named).as("every failure named: " + figures).isEqualTo(broken);
        assertThat(console.out()).contains("❌ failed");
        return s;
    }

    private static String messages(JsonNode s) {
        StringBuilder b = new StringBuilder();
        s.get("errors").forEach(e -> b.append(e.get("message").asText()).append('\n'));
        return b.toString();
    }

    @Test
    void theHttpRouteCountsEachFaultedRequestOnceAndNamesIt() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse(FAULTY))) {
            JsonNode s = faultyWave(sim, "--url", sim.baseUrl() + "/invocations", "--body", "{\"instances\":[[1,2]]}");
            assertThat(messages(s)).as(messages(s)).containsIgnoringCase("reset");
        }
    }

    @Test
    void thePythonRouteCountsEachFaultedRequestOnceAndNamesIt() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse(FAULTY))) {
            JsonNode s = faultyWave(sim, "--factories-file", example("http/factories_json_stdlib.py").toString(),
                    "--url", sim.baseUrl());
            assertThat(s.get("spec").get("mode").asText()).isEqualTo("python");
            assertThat(messages(s)).as(messages(s)).containsIgnoringCase("reset");
        }
    }
}
