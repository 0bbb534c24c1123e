package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.jmeter.util.JMeterUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/** Waves built in code, as the capacity search builds them: many in one JVM, each on its own. */
class WaveRunnerTest {
    @TempDir
    Path results;

    @Test
    void twoWavesBackToBackInOneJvmGiveIndependentResultsAndLeaveNothingBehind() throws Exception {
        try (EndpointSimulator fast = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0));
             EndpointSimulator slow = EndpointSimulator.start(SimulatorOptions.parse("latency=60ms").withPort(0))) {
            WaveSpec first = WaveSpec.builder()
                    .target(new HttpTarget(URI.create(fast.baseUrl() + "/invocations"), "{}",
                            List.of("Authorization: Bearer first-secret")))
                    .clientRps(40).numRequests(40L).resultsDir(results).warmup(false).build();
            WaveSpec second = WaveSpec.builder()
                    .target(new HttpTarget(URI.create(slow.baseUrl() + "/invocations"), "{}", List.of()))
                    .clientRps(20).numRequests(30L).obsTime(30.0).successThreshold(0.5).resultsDir(results)
                    .warmup(false).build();

            ByteArrayOutputStream out1 = new ByteArrayOutputStream();
            WaveOutcome one = new WaveRunner(first, new Console(new PrintStream(out1, true, StandardCharsets.UTF_8))).outcome();
            ByteArrayOutputStream out2 = new ByteArrayOutputStream();
            WaveOutcome two = new WaveRunner(second, new Console(new PrintStream(out2, true, StandardCharsets.UTF_8))).outcome();

            assertThat(fast.requestCount()).isEqualTo(40);
            assertThat(slow.requestCount()).as("the second wave went only to its own endpoint").isEqualTo(30);
            assertThat(one.fired()).isEqualTo(40);
            assertThat(one.succeeded()).isEqualTo(40);
            assertThat(two.fired()).as("no sample or pacer of the first wave counted in the second").isEqualTo(30);
            assertThat(two.completed()).isEqualTo(30);
            assertThat(one.spec().targetRps()).isEqualTo(40.0);
            assertThat(two.spec().targetRps()).isEqualTo(20.0);
            assertThat(two.spec().successThreshold()).isEqualTo(0.5);
            assertThat(one.latencyMs().p50()).isLessThan(40.0);
            assertThat(two.latencyMs().p50()).isGreaterThanOrEqualTo(59.0);
            assertThat(two.waveStartEpochMs()).isGreaterThanOrEqualTo(one.waveEndEpochMs());
            assertThat(one.runName()).isNotEqualTo(two.runName());
            assertThat(two.threads().started()).as("the pool of the second wave is its own").isLessThanOrEqualTo(20);

            // each run directory holds its own outcome, as written
            WaveOutcome read = WaveOutcome.fromJson(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(results.resolve(two.runName()).resolve(WaveOutcome.FILE_NAME).toFile()));
            assertThat(read.fired()).isEqualTo(30);
            assertThat(read.spec()).isEqualTo(two.spec());

            // nothing of the waves is left in the JVM: properties, pacers, threads
            assertThat(JMeterUtils.getProperty("ib.endpoint.url")).isNull();
            assertThat(JMeterUtils.getProperty("ib.header.1")).isNull();
            assertThat(JMeterUtils.getProperty("ib.run.dir")).isNull();
            assertThat(Pacer.report()).isNull();
            Thread.sleep(200);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .noneMatch(n -> n.startsWith("ib-pacer") || n.startsWith("Wave ") || n.startsWith("ib-client-hw")
                            || n.equals("ib-wave"));
            // the secret went to the engine as a property, never into a file
            for (WaveOutcome o : List.of(one, two)) {
                try (var files = Files.walk(results.resolve(o.runName()))) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).doesNotContain("first-secret");
                    }
                }
            }
            assertThat(out1.toString(StandardCharsets.UTF_8)).contains("RESULTS").doesNotContain("first-secret");
        }
    }
}
