package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/** The Constant RPS Timer in real waves: through a server stall, under a thread cap, with drops. */
class PacingEndToEndTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    private int lastExit;

    private JsonNode wave(String... args) throws Exception {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--results-dir", results.toString()))
                .toArray(String[]::new);
        lastExit = Benchmark.execute(all);
        return RunDirectories.latestSummary(results);
    }

    @Test
    void startsStayOnScheduleThroughAServerStallAndTheLatencyFromTheIntendedStartShowsIt() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(
                SimulatorOptions.parse("latency=10ms,stall=1s:1500ms").withPort(0))) {
            JsonNode s = wave("--url", sim.baseUrl() + "/invocations", "--client-rps", "50", "--obs-time", "4");
            assertThat(s.get("fired").asLong()).isEqualTo(200);
            assertThat(s.get("completed").asLong()).isEqualTo(200);
            assertThat(sim.requestCount()).isEqualTo(200);
            // the ~75 requests due during the stall were started on time: the pool grew instead
            assertThat(s.get("threads").get("peak").asInt()).isGreaterThan(60);
            // none waited for the stall to end: late by milliseconds (threads being added), never by the
            // 1.5 s stall; the bounds leave room for a loaded 2-core machine (bench/pacing measures the real figures)
            assertThat(s.get("late_starts").asLong()).isLessThan(100);
            assertThat(s.get("lateness_ms").get("p99").asDouble()).isLessThan(500);
            assertThat(s.get("client_rps").asDouble()).isBetween(49.0, 51.0);
            // a request started at the beginning of the stall waited for most of it
            assertThat(s.get("latency_from_intended_ms").get("max").asDouble()).isGreaterThan(1000);
        }
    }

    @Test
    void aThreadCapFarBelowWhatTheLatencyNeedsIsReportedNotHidden() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=200ms").withPort(0))) {
            JsonNode s = wave("--url", sim.baseUrl() + "/invocations", "--client-rps", "40", "--num-requests", "40",
                    "--max-threads", "2");
            // 2 threads x 5 req/s each cannot start 40 req/s: every request still runs, late
            assertThat(s.get("fired").asLong()).isEqualTo(40);
            assertThat(s.get("threads").get("cap_reached").asBoolean()).isTrue();
            assertThat(s.get("threads").get("started").asInt()).isEqualTo(2);
            assertThat(s.get("late_starts").asLong()).isGreaterThan(30);
            assertThat(s.get("client_rps").asDouble()).isLessThan(15);
            assertThat(s.get("lateness_ms").get("max").asDouble()).isGreaterThan(1000);
            // and the verdict names the cap, with the remedy
            JsonNode verdict = s.get("client_bottleneck");
            assertThat(verdict.get("detected").asBoolean()).isTrue();
            assertThat(verdict.get("causes").findValuesAsText("cause")).contains("under-firing", "thread cap reached");
            assertThat(verdict.toString()).contains("raise --max-threads");
            // a wave the client did not deliver is not a pass: exit 3, though every request succeeded
            assertThat(s.get("success_rate").asDouble()).isEqualTo(1.0);
            assertThat(lastExit).isEqualTo(Benchmark.NOT_VALID);
            assertThat(wave("--url", sim.baseUrl() + "/invocations", "--client-rps", "40", "--num-requests", "40",
                    "--max-threads", "2", "--allow-client-bottleneck").get("passed").asBoolean()).isTrue();
            assertThat(lastExit).as("--allow-client-bottleneck turns it into a warning").isEqualTo(Benchmark.PASSED);
        }
    }

    @Test
    void obsTimeBoundsTheStartsOfAnOverloadedClientTheRestAreDroppedAndCounted() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=200ms").withPort(0))) {
            // 2 threads x 5 req/s cannot start 40 req/s: the backlog must not run on past the 2 s window
            JsonNode s = wave("--url", sim.baseUrl() + "/invocations", "--client-rps", "40", "--obs-time", "2",
                    "--max-threads", "2");
            long fired = s.get("fired").asLong();
            long dropped = s.get("dropped_starts").asLong();
            assertThat(fired + dropped).isEqualTo(80);
            assertThat(dropped).isGreaterThan(40);
            assertThat(sim.requestCount()).isEqualTo(fired);
            // the last start lies inside the window; its response ends one latency later
            assertThat(s.get("duration_s").asDouble()).as(s.toString()).isLessThan(2.6);
            assertThat(lastExit).isEqualTo(Benchmark.NOT_VALID);
        }
    }

    @Test
    void theDropPolicySkipsStartsThatAreTooLateAndCountsThem() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=200ms").withPort(0))) {
            JsonNode s = wave("--url", sim.baseUrl() + "/invocations", "--client-rps", "40", "--obs-time", "2",
                    "--max-threads", "2", "--late-policy", "drop:50");
            long fired = s.get("fired").asLong();
            long dropped = s.get("dropped_starts").asLong();
            assertThat(dropped).isGreaterThan(40);
            assertThat(fired + dropped).isEqualTo(80);
            assertThat(sim.requestCount()).isEqualTo(fired);
        }
    }
}
