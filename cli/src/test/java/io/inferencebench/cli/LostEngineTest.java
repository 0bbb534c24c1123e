package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.testsupport.JMeterServers;

/**
 * One of two real {@code jmeter-server} engines is killed mid-wave: the controller names it and when, keeps
 * every sample it received, marks the run partial and exits 3 with a verdict that blames the lost engine.
 * Its own engines: the kill would spoil the shared ones of {@link DistributedWaveTest}.
 */
class LostEngineTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    static Path work;
    private static JMeterServers engines;

    @TempDir
    Path results;

    @TempDir
    Path next;

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

    @Test
    void aKilledEngineMakesAPartialRunThatNamesItAndIsNotValid() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            JMeterServers.Server victim = engines.servers().get(1);
            Thread killer = new Thread(() -> {
                try {
                    // the engines take a second or two to start the plan; 3 s of a 6 s wave in, one dies
                    while (sim.requestCount() < 60) {
                        Thread.sleep(20);
                    }
                    Thread.sleep(1500);
                    victim.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            killer.start();
            long began = System.nanoTime();
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--obs-time", "6", "--remote", engines.addresses(), "--results-dir", results.toString());
            double took = (System.nanoTime() - began) / 1e9;
            killer.join();

            assertThat(code).as(console.out() + console.err()).isEqualTo(Benchmark.NOT_VALID);
            JsonNode s = RunDirectories.latestSummary(results);
            // every sample the controller received is kept: the survivor's whole share (120), and whatever the
            // victim had sent before it died (JMeter's batch sender holds up to 100 samples on the engine: here
            // usually none of its ~60 reached the controller)
            long fired = s.get("fired").asLong();
            assertThat(fired).isBetween(115L, 185L);
            assertThat(s.get("completed").asLong()).isEqualTo(fired);
            JsonNode partial = s.get("partial");
            assertThat(partial.get("engines").asInt()).isEqualTo(2);
            assertThat(partial.get("lost_engines")).hasSize(1);
            assertThat(partial.get("lost_engines").get(0).get("host").asText()).isEqualTo(victim.address());
            assertThat(partial.get("lost_engines").get(0).get("lost_at_epoch_ms").asLong())
                    .isBetween(s.get("wave_start_epoch_ms").asLong(), s.get("wave_end_epoch_ms").asLong() + 2000);
            JsonNode causes = s.get("client_bottleneck").get("causes");
            assertThat(causes.get(0).get("cause").asText()).isEqualTo("remote engine lost");
            assertThat(causes.get(0).get("invalidates").asBoolean()).isTrue();
            // the missing share is the lost engine's, not a thread cap's: no under-firing sending the user to --max-threads
            assertThat(causes.findValuesAsText("cause")).doesNotContain("under-firing", "thread cap reached");
            assertThat(console.out()).contains("Remote engine lost: " + victim.address(),
                    "Partial run:      remote engine " + victim.address() + " lost");
            // the controller did not wait out the grace period (30 s) for an engine that will never end
            assertThat(took).isLessThan(25);
            // the lost engine's end was given to the controller's listeners in its place: its samples are in the
            // JTL, and JMeter's JTL writers (whose open-file count is per JVM) still write the next wave's file
            assertThat(java.nio.file.Files.readAllLines(RunDirectories.latest(results).resolve("results.jtl")))
                    .hasSize((int) fired + 1);
            assertThat(Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "20",
                    "--num-requests", "10", "--quiet", "--results-dir", next.toString())).isZero();
            assertThat(java.nio.file.Files.readAllLines(RunDirectories.latest(next).resolve("results.jtl"))).hasSize(11);
        }
    }
}
