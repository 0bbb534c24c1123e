package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.testsupport.JMeterInstallation;
import io.inferencebench.testsupport.JMeterServers;

/**
 * Waves on two real JMeter remote engines ({@code jmeter-server} processes on loopback, started from a JMeter
 * 5.6.3 home assembled from the Maven artifacts): each engine sends half the rate, and the controller's run
 * directory holds every engine's samples.
 */
class DistributedWaveTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    static Path work;
    private static JMeterServers engines;

    @TempDir
    Path results;

    @BeforeAll
    static void startTwoEngines() throws Exception {
        engines = JMeterServers.startWithController(work, 2);
    }

    @AfterAll
    static void stopEngines() {
        if (engines != null) {
            engines.close();
        }
    }

    private Path onlyRun() throws Exception {
        try (Stream<Path> runs = Files.list(results)) {
            List<Path> dirs = runs.toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    /**
     * {@code jmeter -n -t plan -R engines} from the test's JMeter home, as a CI job runs it, writing into
     * {@code replay}; asserts that it ended by itself with exit 0 and returns its console.
     */
    private String plainJMeterRemote(Path plan, Path replay, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-R", engines.addresses()));
        args.addAll(List.of(more));
        args.addAll(List.of("-Jserver.rmi.ssl.disable=true", "-Jsample_variables=ib_intended_ms,ib_late_ms,ib_dropped"));
        return JMeterInstallation.runNonGui(JMeterServers.javaExecutable(), List.of("-Xmx256m",
                "-Djava.rmi.server.hostname=127.0.0.1"), work.resolve("apache-jmeter-5.6.3"), plan, replay,
                args.toArray(String[]::new));
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder(console.out()).append(console.err());
        for (JMeterServers.Server s : engines.servers()) {
            b.append("\n--- engine ").append(s.address()).append(":\n").append(s.console());
        }
        return b.toString();
    }

    @Test
    void twoEnginesEachSendHalfTheRateAndTheControllerSummarisesTheTotal() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--num-requests", "120", "--obs-time", "30", "--remote", engines.addresses(),
                    "--results-dir", results.toString());
            assertThat(code).as(diagnostics()).isEqualTo(0);

            // 120 requests split evenly: 60 per engine at 20 req/s each, 40 req/s together
            assertThat(sim.requestCount()).isEqualTo(120);
            Path run = onlyRun();
            JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
            assertThat(s.get("fired").asLong()).isEqualTo(120);
            assertThat(s.get("completed").asLong()).isEqualTo(120);
            assertThat(s.get("succeeded").asLong()).isEqualTo(120);
            assertThat(s.get("passed").asBoolean()).isTrue();
            assertThat(s.get("spec").get("target_rps").asDouble()).isEqualTo(40.0);
            // a measured rate never exceeds the schedule's: about 40 (less on a busy machine), never 80
            assertThat(s.get("client_rps").asDouble()).as(s.toString()).isBetween(1.0, 41.0);
            assertThat(s.get("late_starts").isNumber()).isTrue();
            assertThat(s.get("dropped_starts").asLong()).isZero();
            assertThat(s.get("lateness_ms").get("p50").isNumber()).as("lateness travelled with the samples").isTrue();
            assertThat(s.get("spec").get("engine").get("kind").asText()).isEqualTo("remote");
            assertThat(s.get("spec").get("engine").get("hosts")).extracting(JsonNode::asText)
                    .containsExactlyElementsOf(List.of(engines.addresses().split(",")));

            // the controller wrote every engine's samples; JMeter prefixes thread names with the engine
            List<String> jtl = Files.readAllLines(run.resolve("results.jtl"));
            assertThat(jtl).hasSize(121);
            List<String> columns = List.of(jtl.get(0).replace("\"", "").split(","));
            assertThat(columns).contains("threadName", "ib_intended_ms", "ib_late_ms", "ib_dropped");
            int thread = columns.indexOf("threadName");
            int intended = columns.indexOf("ib_intended_ms");
            for (JMeterServers.Server engine : engines.servers()) {
                List<Double> starts = jtl.subList(1, jtl.size()).stream().map(l -> l.split(","))
                        .filter(f -> f[thread].startsWith(engine.address() + "-Wave "))
                        .map(f -> Double.parseDouble(f[intended])).sorted().toList();
                // each engine's own schedule: 60 starts 50 ms apart (20 req/s), whatever the machine's load
                assertThat(starts).as("intended starts on %s", engine.address()).hasSize(60);
                assertThat(starts.get(59) - starts.get(0)).isCloseTo(59 * 50.0, within(0.01));
            }

            // the pool figures stay on each engine, in its log
            for (JMeterServers.Server engine : engines.servers()) {
                assertThat(Files.readString(engine.log())).contains("Constant RPS Timer: 60 starts (");
            }

            String printed = console.out();
            assertThat(printed).contains("Remote engines started: " + engines.addresses().replace(",", ", "),
                    "Total requests fired: 120", "Client RPS:", "(target 40.0,");
            assertThat(run.resolve("plan.jmx")).exists();
        }
    }

    @Test
    void anLlmWaveStreamsFromTheEnginesAndTheControllerHasTheTokensSectionButNoKey() throws Exception {
        String key = "sk-remote-DO-NOT-LEAK-99";
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("ttft=50ms,itl=2ms").withPort(0))) {
            int code = Benchmark.execute("--url", sim.baseUrl() + "/v1/chat/completions", "--openai", "chat",
                    "--model", "m", "--max-tokens", "16", "--api-key", key, "--client-rps", "20", "--num-requests", "40",
                    "--remote", engines.addresses(), "--results-dir", results.toString());
            assertThat(code).as(diagnostics()).isEqualTo(0);

            assertThat(sim.requestCount()).isEqualTo(40);
            Path run = onlyRun();
            JsonNode tokens = new ObjectMapper().readTree(run.resolve("summary.json").toFile()).get("tokens");
            assertThat(tokens.get("requests").asLong()).as("the token fields travelled with the samples").isEqualTo(40);
            assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(40 * 16);
            assertThat(tokens.get("time_to_first_token_ms").get("p50").asDouble()).isGreaterThanOrEqualTo(49.0);
            try (Stream<Path> files = Files.walk(run)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(key);
                }
            }
            // (the engines' own jmeter.log still has it: JMeter's StandardJMeterEngine logs the properties it
            // applies at INFO, and the engines' logging is their installation's; see README, --api-key)
        }
    }

    @Test
    void startsTheEnginesDropAreCountedOnTheControllerFromTheSamples() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=200ms").withPort(0))) {
            // each engine: 20 req/s for 2 s = 40 arrivals, but 2 threads x 5 req/s start only about half on time
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--obs-time", "2", "--max-threads", "2", "--late-policy", "drop:50", "--remote", engines.addresses(),
                    "--results-dir", results.toString());
            // the engines did not deliver the load: not valid, whatever the success rate
            assertThat(code).as(diagnostics()).isEqualTo(Benchmark.NOT_VALID);
            JsonNode s = new ObjectMapper().readTree(onlyRun().resolve("summary.json").toFile());
            long fired = s.get("fired").asLong();
            long dropped = s.get("dropped_starts").asLong();
            assertThat(fired).isEqualTo(sim.requestCount());
            assertThat(dropped).as(s.toString()).isGreaterThan(20);
            // drops after an engine's last start have no sample to travel with: those stay in the engine's log
            assertThat(fired + dropped).as(s.toString()).isBetween(60L, 80L);
        }
    }

    @Test
    void aPlainJMeterMinusRRunWithoutTheEngineCountStillSendsTheTargetNotTwiceIt() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            assertThat(Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--num-requests", "40", "--remote", engines.addresses(), "--results-dir", results.toString()))
                    .as(diagnostics()).isEqualTo(0);
            Path plan = onlyRun().resolve("plan.jmx");
            Path replay = Files.createDirectories(work.resolve("plain-jmeter-no-G"));
            String console = plainJMeterRemote(plan, replay);
            // no -Gib.engines: the controller's -R list told each engine it is one of two
            assertThat(sim.requestCount()).as(console).isEqualTo(80);
            for (JMeterServers.Server engine : engines.servers()) {
                assertThat(Files.readString(engine.log())).contains("(engines=2)");
            }
            // the controller's summary names the target it sent, though the pacers ran on the engines
            JsonNode s = new ObjectMapper().readTree(replay.resolve("summary.json").toFile());
            assertThat(s.get("spec").get("target_rps").asDouble()).as(s.toString()).isEqualTo(40.0);
            assertThat(s.get("fired").asLong()).isEqualTo(40);
        }
    }

    @Test
    void theSavedPlanRunsDistributedInPlainJMeterWithTheEngineCountAsAGlobalProperty() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            assertThat(Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--num-requests", "40", "--remote", engines.addresses(), "--results-dir", results.toString()))
                    .as(diagnostics()).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(40);
            Path plan = onlyRun().resolve("plan.jmx");

            Path replay = Files.createDirectories(work.resolve("plain-jmeter"));
            String console = plainJMeterRemote(plan, replay, "-Gib.engines=2");

            // the same 40 requests again: 20 from each engine, not 40 from each
            assertThat(sim.requestCount()).as(console).isEqualTo(80);
            assertThat(Files.readAllLines(replay.resolve("results.jtl"))).hasSize(41);
            assertThat(replay.resolve("summary.json")).as(console + Files.readString(replay.resolve("jmeter.log")))
                    .exists();
            JsonNode s = new ObjectMapper().readTree(replay.resolve("summary.json").toFile());
            assertThat(s.get("fired").asLong()).isEqualTo(40);
            assertThat(s.get("succeeded").asLong()).isEqualTo(40);
            assertThat(s.get("client_rps").asDouble()).as(s.toString()).isBetween(1.0, 41.0);
        }
    }

    @Test
    void anEngineThatDoesNotAnswerIsNamedBeforeAnythingIsWritten() throws Exception {
        String down = "127.0.0.1:" + JMeterServers.freePort();
        int code = Benchmark.execute("--url", "http://127.0.0.1:1/invocations", "--client-rps", "10",
                "--obs-time", "1", "--remote", engines.servers().get(0).address() + "," + down,
                "--results-dir", results.toString());
        assertThat(code).isEqualTo(2);
        assertThat(console.err()).contains("Cannot reach the JMeter remote engine " + down,
                "start jmeter-server there");
        try (Stream<Path> runs = Files.list(results)) {
            assertThat(runs).isEmpty();
        }
    }

    @Test
    void aRequestCountThatDoesNotSplitEvenlyIsBadInput() throws Exception {
        int code = Benchmark.execute("--url", "http://127.0.0.1:1/invocations", "--num-requests", "25",
                "--remote", engines.addresses(), "--results-dir", results.toString());
        assertThat(code).isEqualTo(2);
        assertThat(console.err())
                .contains("--num-requests 25 does not split evenly over 2 remote engines: give a multiple of 2 (e.g. 24 or 26).");
        try (Stream<Path> runs = Files.list(results)) {
            assertThat(runs).isEmpty();
        }
    }
}
