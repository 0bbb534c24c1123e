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

/** Waves run through the command line against the real simulator, on the embedded JMeter engine. */
class WaveEndToEndTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    private int benchmark(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--results-dir", results.toString()))
                .toArray(String[]::new);
        return Benchmark.execute(all);
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> runs = Files.list(results)) {
            List<Path> dirs = runs.toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    @Test
    void aLowRateWaveFiresCompletesAndReachesTheServerTheSameNumberOfTimes() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=20ms").withPort(0))) {
            int code = benchmark("--url", sim.baseUrl() + "/invocations", "--body", "{\"instances\":[[1,2]]}",
                    "--client-rps", "20", "--num-requests", "40", "--obs-time", "30");
            assertThat(code).as(console.out() + console.err()).isEqualTo(0);

            Path run = onlyRun();
            assertThat(run.getFileName().toString()).matches("\\d{8}_\\d{6}_benchmark");
            assertThat(run.resolve("plan.jmx")).exists();
            assertThat(run.resolve("benchmark.log")).exists();
            JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
            assertThat(s.get("schema_version").asInt()).isEqualTo(2);
            assertThat(s.get("fired").asLong()).isEqualTo(40);
            assertThat(s.get("completed").asLong()).isEqualTo(40);
            assertThat(s.get("succeeded").asLong()).isEqualTo(40);
            assertThat(sim.requestCount()).isEqualTo(40);
            assertThat(s.get("passed").asBoolean()).isTrue();
            assertThat(s.get("latency_ms").get("p50").asDouble()).isGreaterThanOrEqualTo(19);
            // 40 starts at 20/s span 1.95 s
            assertThat(s.get("client_rps").asDouble()).isBetween(19.0, 21.0);
            assertThat(s.get("wave_end_epoch_ms").asLong()).isGreaterThan(s.get("wave_start_epoch_ms").asLong());

            List<String> jtl = Files.readAllLines(run.resolve("results.jtl"));
            assertThat(jtl.get(0)).startsWith("timeStamp,elapsed,label").contains("ib_intended_ms", "ib_late_ms");
            assertThat(jtl).hasSize(41);

            String printed = console.out();
            assertThat(printed).contains("RESULTS – InferenceBenchmarker", "Total requests fired: 40",
                    "Total requests:   40", "Success rate:     100.0% (✓ passed, 95% target)", "Latency (ms):");
            assertThat(Files.readString(run.resolve("benchmark.log"))).contains("Total requests fired: 40");
        }
    }

    @Test
    void aWaveBelowTheSuccessThresholdExitsOne() throws Exception {
        int code = benchmark("--simulate=latency=5ms,error-rate=0.5", "--client-rps", "50", "--num-requests", "60");
        assertThat(code).isEqualTo(1);
        JsonNode s = new ObjectMapper().readTree(onlyRun().resolve("summary.json").toFile());
        assertThat(s.get("failed").asLong()).isBetween(10L, 50L);
        assertThat(s.get("fired").asLong()).isEqualTo(60);
        assertThat(s.get("completed").asLong()).isEqualTo(60);
        assertThat(s.get("passed").asBoolean()).isFalse();
        assertThat(console.out()).contains("❌ failed");
    }

    @Test
    void anUnreachableEndpointIsAFailedWaveNotBadInput() throws Exception {
        int code = benchmark("--url", "http://127.0.0.1:1/invocations", "--client-rps", "20", "--num-requests", "10");
        assertThat(code).isEqualTo(1);
        JsonNode s = new ObjectMapper().readTree(onlyRun().resolve("summary.json").toFile());
        assertThat(s.get("failed").asLong()).isEqualTo(10);
        assertThat(s.get("errors").get(0).get("message").asText()).contains("Connect");
    }

    @Test
    void badInputIsOneSentenceExitTwoAndLeavesNoRunDirectory() throws Exception {
        assertThat(benchmark("--simulate", "--client-rps", "5")).isEqualTo(2);
        assertThat(console.err()).contains("--obs-time S, --num-requests N, or both");
        assertThat(benchmark("--simulate", "--client-rps", "0", "--obs-time", "5")).isEqualTo(2);
        assertThat(console.err()).contains("--client-rps must be more than 0");
        assertThat(benchmark("--simulate", "--success-threshold", "1.5", "--obs-time", "5")).isEqualTo(2);
        assertThat(console.err()).contains("--success-threshold is a fraction between 0 and 1");
        assertThat(benchmark("--simulate", "--body", "@/no/such/file.json", "--obs-time", "5")).isEqualTo(2);
        assertThat(console.err()).contains("--body @/no/such/file.json: cannot read");
        assertThat(benchmark("--simulate", "--obs-time", "5", "--bogus")).isEqualTo(2);
        assertThat(console.err()).contains("Unknown argument: --bogus").contains("Usage: benchmark");
        assertThat(benchmark("--simulate", "--load-profile", "const(10,5) line(1,x,3)")).isEqualTo(2);
        assertThat(console.err()).contains("--load-profile: In the load profile, clause 2 'line(1,x,3)'");
        assertThat(benchmark("--simulate", "--obs-time", "5", "--max-threads", "-1")).isEqualTo(2);
        assertThat(console.err()).contains("--max-threads");
        assertThat(benchmark("--simulate", "--obs-time", "5", "--arrivals", "poisson", "--seed", "x")).isEqualTo(2);
        assertThat(console.err()).contains("seed 'x' is not a whole number");
        try (Stream<Path> runs = Files.list(results)) {
            assertThat(runs).isEmpty();
        }
    }

    @Test
    void secretHeadersNeverReachThePlanOrTheLog() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=0ms").withPort(0))) {
            int code = benchmark("--url", sim.baseUrl() + "/invocations", "--header", "Authorization: Bearer s3cr3t-value",
                    "--header", "X-Model: m1", "--client-rps", "20", "--num-requests", "5");
            assertThat(code).isEqualTo(0);
            Path run = onlyRun();
            String plan = Files.readString(run.resolve("plan.jmx"));
            assertThat(plan).doesNotContain("s3cr3t-value").contains("${__P(ib.header.1)}").contains("m1");
            try (Stream<Path> files = Files.list(run)) {
                for (Path f : files.toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain("s3cr3t-value");
                }
            }
        }
    }
}
