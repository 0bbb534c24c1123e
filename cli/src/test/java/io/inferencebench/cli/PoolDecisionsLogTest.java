package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * {@code IB_JAVA_OPTS=-Dib.log.pacing=debug}: the command's {@code jmeter.log} says why the pool grew. A wave at
 * 100/s against 300 ms answers needs about 30 threads where the pool starts with Little's law for 50 ms (10), so
 * it grows; without the property the log has none of those lines.
 */
class PoolDecisionsLogTest {
    @TempDir
    Path tmp;

    @AfterEach
    void quiet() {
        System.clearProperty("ib.log.pacing");
    }

    @Test
    void theCommandsLogSaysWhyThePoolGrewWhenAsked() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=300ms").withPort(0))) {
            System.setProperty("ib.log.pacing", "debug");
            String log = wave(sim, tmp.resolve("debug"));
            assertThat(log).containsPattern("Constant RPS Timer pool at \\d+ ms: \\d+ threads, \\d+ waiting, \\d+ in flight "
                    + "\\(mean age \\d+ ms\\), service estimate \\d+ ms, CPU saturated (true|false): \\+[1-9]\\d* -0");

            System.clearProperty("ib.log.pacing");
            assertThat(wave(sim, tmp.resolve("info"))).doesNotContain("Constant RPS Timer pool at");
        }
    }

    /** One wave of 200 requests at 100/s against {@code sim}; its jmeter.log. */
    private static String wave(EndpointSimulator sim, Path results) throws Exception {
        assertThat(Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "100",
                "--num-requests", "200", "--results-dir", results.toString())).isZero();
        try (Stream<Path> runs = Files.list(results)) {
            return Files.readString(runs.findFirst().orElseThrow().resolve("jmeter.log"));
        }
    }
}
