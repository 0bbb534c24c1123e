package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/**
 * The run directory deleted mid-wave: the RESULTS block is still printed, the error names the directory, the
 * exit is 4, and nothing recreates the directory to hold a lone summary.json.
 */
class RunDirectoryGoneTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path results;

    @Test
    void aRunDirectoryDeletedMidWaveIsReportedNotRecreated() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            Thread deleter = new Thread(() -> {
                try {
                    while (sim.requestCount() < 20) {
                        Thread.sleep(20);
                    }
                    try (Stream<Path> runs = Files.list(results)) {
                        for (Path run : runs.toList()) {
                            deleteTree(run);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            deleter.start();
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "20", "--obs-time", "3",
                    "--quiet", "--results-dir", results.toString());
            deleter.join();

            assertThat(code).as(console.out() + console.err()).isEqualTo(Benchmark.NOT_SAVED);
            assertThat(console.out()).contains("RESULTS", "Total requests fired: 60",
                    "Could not save the results into the run directory " + results.toAbsolutePath().normalize().toString()
                            .substring(0, 5),
                    "it was deleted during the wave");
            try (Stream<Path> left = Files.list(results)) {
                List<Path> runs = left.toList();
                assertThat(runs).as("nothing recreated the run directory").isEmpty();
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
