package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.aiperf.Aiperf;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/**
 * The aiperf flow through the command line: a real wave against the simulator, then aiperf on the same
 * payloads. aiperf cannot be installed here, so its stand-in runs (listener-aiperf's test fixture: it
 * checks its command line as aiperf does, sends the requests for real and writes aiperf's files).
 */
class AiperfWaveTest {
    private static final String KEY = "sk-aiperf-DO-NOT-LEAK-8642";
    private static final Path STAND_IN = Path.of("../listener-aiperf/src/test/resources/aiperf/stand-in/aiperf")
            .toAbsolutePath().normalize();
    private static final Path FACTORIES = Path.of("../factories/openai_chat_stream.py").toAbsolutePath().normalize();

    private static EndpointSimulator simulator;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;
    private Path results;

    @BeforeAll
    static void startSimulator() {
        simulator = EndpointSimulator.start(SimulatorOptions.parse("ttft=50ms,itl=5ms,output-tokens=16").withPort(0));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void standIn() {
        assertThat(STAND_IN).isExecutable();
        results = tmp.resolve("results");
        System.setProperty(Aiperf.EXECUTABLE_PROPERTY, STAND_IN.toString());
    }

    @AfterEach
    void noStandIn() {
        System.clearProperty(Aiperf.EXECUTABLE_PROPERTY);
    }

    private int benchmark(String... args) {
        return Benchmark.execute(Stream.concat(Stream.of(args), Stream.of("--results-dir", results.toString(), "--quiet"))
                .toArray(String[]::new));
    }

    private int pythonWaveThenAiperf(String... more) {
        return benchmark(Stream.concat(Stream.of("--factories-file", FACTORIES.toString(), "--url", simulator.baseUrl(),
                "--client-rps", "10", "--num-requests", "8", "--no-warmup", "--aiperf", "--model", "sim-model",
                "--api-key", KEY), Stream.of(more)).toArray(String[]::new));
    }

    @Test
    void aWaveThenAiperfOnTheSamePayloadsAndTheKeyInNoFileNorOnTheConsole() throws Exception {
        int code = pythonWaveThenAiperf("--baseline-wait", "0.5");
        String out = console.out() + console.err();
        assertThat(code).as(out).isEqualTo(0);
        Path run = RunDirectories.latest(results);
        JsonNode s = RunDirectories.latestSummary(results);
        assertThat(s.get("fired").asLong()).as("the wave ran").isEqualTo(8);
        JsonNode a = s.get("aiperf");
        assertThat(a.get("status").asText()).as(out).isEqualTo("ok");
        assertThat(a.get("completed").asLong()).isEqualTo(8);
        assertThat(a.get("fired").asLong()).isEqualTo(8);
        assertThat(a.get("success_rate").asDouble()).isEqualTo(1.0);
        // against the simulator's 50 ms TTFT and 5 ms ITL; lower bounds only: a loaded machine delays, never hastens
        assertThat(a.at("/metrics/time_to_first_token/min").asDouble()).isGreaterThanOrEqualTo(49.0);
        assertThat(a.at("/metrics/request_latency/min").asDouble()).as("ttft + 15 x itl").isGreaterThanOrEqualTo(124.0);
        assertThat(a.at("/metrics/inter_token_latency/p50").asDouble()).isPositive();
        assertThat(a.at("/metrics/output_sequence_length/avg").asDouble()).isEqualTo(16.0);
        assertThat(a.get("command").asText()).contains("--api-key ***", "--custom-dataset-type single_turn",
                "--request-rate 10 --request-rate-mode constant --request-count 8", "--ui-type none", "--streaming");
        assertThat(out).containsSubsequence("RESULTS – InferenceBenchmarker", "Baseline pause: waiting 0.5 s",
                "RESULTS — aiperf", "   Total requests fired: 8", "   Success rate:     100.0%", "   TTFT (ms):",
                "   ITL (ms):", "Detailed results: " + run);
        Path dir = run.resolve("aiperf");
        for (String f : new String[] {"profile_export_aiperf.json", "profile_export_aiperf.csv", "profile_export.jsonl",
                "inputs.json", "logs/aiperf.log", "command.txt", "aiperf_console.log"}) {
            assertThat(dir.resolve(f)).as(f).isRegularFile();
        }
        // one line per pre-computed payload of the factories file (its four questions)
        assertThat(Files.readAllLines(dir.resolve("payloads.jsonl"))).hasSize(4)
                .allMatch(l -> l.startsWith("{\"text\":\""));
        // aiperf records the key in its summary JSON and prints it: both scrubbed
        assertThat(Files.readString(dir.resolve("profile_export_aiperf.json"))).contains("\"api_key\": \"***\"");
        assertThat(out).doesNotContain(KEY);
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(KEY);
            }
        }
        assertThat(Files.readString(run.resolve("benchmark.log"))).contains("RESULTS — aiperf");
    }

    @Test
    void withPrometheusMetricsThePauseWaitsForTheirBaselineAndAiperfsWindowIsRead() throws Exception {
        Path config = Files.writeString(tmp.resolve("endpoint.json"), "[{\"stream\": \"prometheus\", \"url\": \""
                + simulator.baseUrl() + "/metrics\", \"interval\": \"1s\", \"metrics\": [\"ib_sim_requests_in_flight\", "
                + "\"ib_sim_utilization_percent\", \"ib_sim_requests_total\"]}]");
        int code = pythonWaveThenAiperf("--endpoint-config", config.toString());
        String out = console.out();
        assertThat(code).as(out).isEqualTo(0);
        assertThat(out).containsSubsequence("RESULTS – InferenceBenchmarker",
                "Baseline pause: waiting up to 300 s for the server metrics to come back within 10% of their level",
                "Baseline pause: back at the baseline after ", "aiperf: ", "Server metrics for aiperf's window:",
                "RESULTS — aiperf");
        JsonNode a = RunDirectories.latestSummary(results).get("aiperf");
        assertThat(a.get("status").asText()).isEqualTo("ok");
        JsonNode metrics = a.at("/server_metrics/streams/0/metrics");
        assertThat(metrics.findValuesAsText("name")).contains("ib_sim_requests_total");
        JsonNode requests = a.at("/server_metrics/streams/0/metrics").get(2);
        assertThat(requests.at("/statistics/delta").asDouble()).as("the server saw aiperf's 8 requests in its window")
                .isGreaterThanOrEqualTo(8.0);
    }

    @Test
    void aiperfFailingSaysWhatItPrintedLastAndTheWaveStands() throws Exception {
        int code = pythonWaveThenAiperf("--aiperf-args", "{\"custom-dataset-type\": \"bogus\"}");
        String out = console.out();
        assertThat(code).as("the wave passed: its exit code stands").isEqualTo(0);
        assertThat(out).contains("aiperf failed: aiperf exited with code 1: Error: Invalid value for "
                + "\"--custom-dataset-type\": bogus (all of its output: ");
        JsonNode s = RunDirectories.latestSummary(results);
        assertThat(s.get("succeeded").asLong()).isEqualTo(8);
        assertThat(s.at("/aiperf/status").asText()).isEqualTo("failed");
        assertThat(s.at("/aiperf/command").asText()).doesNotContain(KEY).contains("--custom-dataset-type bogus");
    }

    @Test
    void aiperfMissingSaysHowToInstallItAndTheWaveIsSaved() throws Exception {
        System.setProperty(Aiperf.EXECUTABLE_PROPERTY, tmp.resolve("no-aiperf-here").toString());
        int code = pythonWaveThenAiperf();
        assertThat(code).isEqualTo(0);
        assertThat(console.out()).contains("aiperf failed: aiperf is not at " + tmp.resolve("no-aiperf-here")
                + " (IB_AIPERF): install it with 'pip install aiperf'");
        JsonNode s = RunDirectories.latestSummary(results);
        assertThat(s.get("fired").asLong()).isEqualTo(8);
        assertThat(s.at("/aiperf/status").asText()).isEqualTo("failed");
    }

    @Test
    void aiperfOnlyRunsNoWave() throws Exception {
        int code = benchmark("--url", simulator.baseUrl() + "/v1/chat/completions", "--body",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three\"}]}", "--client-rps", "20",
                "--num-requests", "5", "--aiperf-only", "--model", "sim-model", "--api-key", KEY);
        String out = console.out();
        assertThat(code).as(out).isEqualTo(0);
        Path run = RunDirectories.latest(results);
        assertThat(run.resolve("results.jtl")).doesNotExist();
        assertThat(out).contains("RESULTS — aiperf").doesNotContain("RESULTS – InferenceBenchmarker").doesNotContain(KEY);
        JsonNode s = RunDirectories.latestSummary(results);
        assertThat(s.get("fired").asLong()).isZero();
        assertThat(s.at("/spec/mode").asText()).isEqualTo("aiperf");
        assertThat(s.at("/aiperf/completed").asLong()).isEqualTo(5);
        assertThat(Files.readString(run.resolve("aiperf/payloads.jsonl"))).isEqualTo("{\"text\":\"one two three\"}\n");
        assertThat(s.at("/aiperf/command").asText()).contains("--endpoint-type chat").doesNotContain("custom-endpoint");
    }

    @Test
    void aiperfOnlyWithoutAiperfIsBadInputAndWritesNothing() {
        System.setProperty(Aiperf.EXECUTABLE_PROPERTY, tmp.resolve("no-aiperf-here").toString());
        int code = benchmark("--url", simulator.baseUrl(), "--num-requests", "5", "--aiperf-only", "--model", "m",
                "--api-key", KEY);
        assertThat(code).isEqualTo(Benchmark.BAD_INPUT);
        assertThat(console.err()).contains("install it with 'pip install aiperf'").doesNotContain("Exception");
        assertThat(results).doesNotExist();
    }
}
