package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.JMeterInstallation;

/**
 * The plan.jmx a wave saves runs unchanged in a real JMeter 5.6.3 installation, assembled here from the
 * Maven artifacts (launcher in bin/, libraries in lib/, JMeter's and our plugin jars in lib/ext).
 */
class PlanReplayTest {
    @TempDir
    Path tmp;

    @Test
    void theSavedPlanRunsInJMeterNonGuiAndReplaysAgainstAnotherEndpointGivenByIbUrl() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0));
             EndpointSimulator other = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            Path results = tmp.resolve("results");
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--num-requests", "30", "--results-dir", results.toString());
            assertThat(code).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(30);
            Path plan = onlyRun(results).resolve("plan.jmx");

            Path home = JMeterInstallation.assemble(tmp.resolve("apache-jmeter-5.6.3"));
            Path replay = tmp.resolve("replay");
            String console = JMeterInstallation.runNonGui(home, plan, replay, "-Jsample_variables=ib_intended_ms,ib_late_ms");

            List<String> jtl = Files.readAllLines(replay.resolve("results.jtl"));
            assertThat(jtl).as(console).hasSize(31);
            assertThat(jtl.get(0)).contains("ib_intended_ms");
            assertThat(sim.requestCount()).isEqualTo(60);
            JsonNode summary = new ObjectMapper().readTree(replay.resolve("summary.json").toFile());
            assertThat(summary.get("fired").asLong()).isEqualTo(30);
            assertThat(summary.get("succeeded").asLong()).isEqualTo(30);

            // the same plan against another endpoint: the URL is a property with this run's URL as its default
            sim.close();
            Path elsewhere = tmp.resolve("elsewhere");
            String again = JMeterInstallation.runNonGui(home, plan, elsewhere, "-Jib.url=" + other.baseUrl() + "/invocations?api-version=2");
            assertThat(other.requestCount()).as(again).isEqualTo(30);
            JsonNode replayed = new ObjectMapper().readTree(elsewhere.resolve("summary.json").toFile());
            assertThat(replayed.get("succeeded").asLong()).isEqualTo(30);
        }
    }

    @Test
    void aPlanRunInJMeterNonGuiStoresTheClientBottleneckVerdictInItsSummary() throws Exception {
        try (EndpointSimulator slow = EndpointSimulator.start(SimulatorOptions.parse("latency=300ms").withPort(0))) {
            // one thread for a rate and latency that need about three: the CLI's own run is not valid (exit 3)
            Path results = tmp.resolve("results");
            assertThat(Benchmark.execute("--url", slow.baseUrl() + "/invocations", "--client-rps", "10",
                    "--num-requests", "10", "--max-threads", "1", "--results-dir", results.toString())).isEqualTo(3);
            Path home = JMeterInstallation.assemble(tmp.resolve("apache-jmeter-5.6.3"));
            Path replay = tmp.resolve("replay");
            JMeterInstallation.runNonGui(home, onlyRun(results).resolve("plan.jmx"), replay);

            JsonNode verdict = new ObjectMapper().readTree(replay.resolve("summary.json").toFile()).get("client_bottleneck");
            assertThat(verdict.get("detected").asBoolean()).as(verdict.toString()).isTrue();
            assertThat(verdict.get("causes").findValuesAsText("cause")).contains("thread cap reached");
            // named as the plan's reader knows the setting: the element's field, not the command's flag
            assertThat(verdict.toString()).contains("'Thread cap'").doesNotContain("--max-threads");
            assertThat(Files.readString(replay.resolve("jmeter.log"))).contains("CLIENT BOTTLENECK detected");
        }
    }

    @Test
    void aPythonPlanRunInJMeterNonGuiKnowsItsWorkersAndNamesTheirQueueWithTheFieldToRaise() throws Exception {
        Path factories = SlowPayloadFactories.writeInto(tmp);
        Path results = tmp.resolve("results");
        Benchmark.execute("--factories-file", factories.toString(), "--workers", "1", "--client-rps", "150",
                "--obs-time", "3", "--allow-client-bottleneck", "--results-dir", results.toString());
        Path home = JMeterInstallation.assemble(tmp.resolve("apache-jmeter-5.6.3"));
        Path replay = tmp.resolve("replay");
        String console = JMeterInstallation.runNonGui(home, onlyRun(results).resolve("plan.jmx"), replay);

        JsonNode summary = new ObjectMapper().readTree(replay.resolve("summary.json").toFile());
        // the Wave Summary learnt the workers from the plan's Python sampler, as the command's own run does
        JsonNode python = summary.get("python");
        assertThat(python.isObject()).as(console).isTrue();
        assertThat(python.get("workers").asInt()).isEqualTo(1);
        assertThat(python.get("precomputed_payloads").asBoolean()).isFalse();
        JsonNode verdict = summary.get("client_bottleneck");
        assertThat(verdict.get("causes").findValuesAsText("cause")).as(verdict.toString())
                .contains("requests queued in the Python workers before invoke ran");
        assertThat(verdict.toString()).contains("more 'Worker processes' (try 2)", "pre-computed payloads")
                .doesNotContain("--workers");
    }

    private static Path onlyRun(Path results) throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            return s.findFirst().orElseThrow();
        }
    }
}
