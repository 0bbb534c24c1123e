package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * One aiperf run into a directory: the stand-in aiperf (a test fixture that checks its command line,
 * streams from the simulator and writes aiperf's files), and replays of what the real aiperf 0.1.1
 * printed when it failed.
 */
class AiperfTest {
    private static final String KEY = "sk-run-DO-NOT-LEAK-1357";
    private static EndpointSimulator simulator;

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void startSimulator() {
        simulator = EndpointSimulator.start(SimulatorOptions.parse("ttft=40ms,itl=4ms,output-tokens=12").withPort(0));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @AfterEach
    void noExecutable() {
        System.clearProperty(Aiperf.EXECUTABLE_PROPERTY);
    }

    private static Path resource(String name) throws Exception {
        return Path.of(AiperfTest.class.getResource("/aiperf/" + name).toURI());
    }

    private AiperfReport run(String executable, String userArgs) throws Exception {
        System.setProperty(Aiperf.EXECUTABLE_PROPERTY, resource(executable).toString());
        AiperfSettings settings = new AiperfSettings(URI.create(simulator.baseUrl() + "/v1/chat/completions"), null,
                "sim-model", true, KEY, 20.0, 6L, null, userArgs);
        ObjectMapper json = new ObjectMapper();
        PayloadSource payloads = calls -> List.of(json.readTree("{\"messages\": [{\"role\": \"user\", \"content\": \"a b c\"}]}"),
                json.readTree("{\"prompt\": \"d e\"}"));
        return new Aiperf(settings, payloads).run(tmp.resolve("aiperf"), null, console);
    }

    @Test
    void theStandInsRunIsReadAndTheKeyScrubbedFromEveryFile() throws Exception {
        AiperfReport r = run("stand-in/aiperf", null);
        assertThat(r.ok()).as(printed.toString(StandardCharsets.UTF_8) + r.error()).isTrue();
        assertThat(r.completed()).isEqualTo(6);
        // lower bounds only: a loaded machine delays tokens, it never brings them early
        assertThat(r.metric("time_to_first_token").min()).isGreaterThanOrEqualTo(39.0);
        assertThat(r.metric("request_latency").min()).as("ttft + 11 x itl").isGreaterThanOrEqualTo(83.0);
        assertThat(r.metric("output_sequence_length").avg()).isEqualTo(12.0);
        // aiperf's definition, request by request: ITL = (latency - TTFT) / (tokens - 1)
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(tmp.resolve("aiperf/profile_export.jsonl"))) {
            var m = json.readTree(line).path("metrics");
            assertThat(m.at("/inter_token_latency/value").asDouble()).isCloseTo((m.at("/request_latency/value").asDouble()
                    - m.at("/time_to_first_token/value").asDouble()) / 11, org.assertj.core.api.Assertions.within(1e-6));
        }
        assertThat(Files.readAllLines(tmp.resolve("aiperf/payloads.jsonl"))).containsExactly("{\"text\":\"a b c\"}",
                "{\"text\":\"d e\"}");
        assertThat(r.command()).contains("--api-key ***").doesNotContain(KEY);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("aiperf: ").doesNotContain(KEY);
        assertThat(Files.readString(tmp.resolve("aiperf/aiperf_console.log"))).contains("--api-key \"***\"");
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(KEY);
            }
        }
    }

    @Test
    void aRefusedCommandLineIsTheWordsOfAiperfsErrorBox() throws Exception {
        AiperfReport r = run("real-0.1.1-failures/bad-dataset-type", null);
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("aiperf exited with code 2: 1 validation error for UserConfig "
                + "input.custom_dataset_type Input should be 'single_turn', 'multi_turn', 'random_pool' or "
                + "'mooncake_trace' [type=enum, input_value='bogus', input_type=str] (all of its output: ");
    }

    @Test
    void aCrashIsItsFirstErrorLine() throws Exception {
        AiperfReport r = run("real-0.1.1-failures/no-corpus", null);
        assertThat(r.error()).startsWith("aiperf exited with code 1: FileNotFoundError: [Errno 2] No such file or "
                + "directory: '/tmp/aiperf-venv/lib/python3.11/site-packages/aiperf/dataset/generator/assets/shakespeare.txt'");
    }

    @Test
    void aiperfNotInstalledSaysHowToInstallIt() throws Exception {
        System.setProperty(Aiperf.EXECUTABLE_PROPERTY, tmp.resolve("nowhere").toString());
        AiperfReport r = new Aiperf(new AiperfSettings(URI.create("http://h"), null, "m", true, KEY, 1.0, 1L, null, null),
                calls -> List.of()).run(tmp.resolve("aiperf"), null, console);
        assertThat(r.error()).isEqualTo("aiperf is not at " + tmp.resolve("nowhere") + " (IB_AIPERF): install it with "
                + "'pip install aiperf' and point IB_AIPERF at its executable, or unset it to use 'aiperf' on PATH.");
        assertThat(tmp.resolve("aiperf")).doesNotExist();
    }
}
