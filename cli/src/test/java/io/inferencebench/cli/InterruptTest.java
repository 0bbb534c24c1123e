package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ctrl-C and SIGTERM sent to a real {@code benchmark} process group mid-wave, as a terminal or a CI
 * runner sends them: the results are kept, nothing is left running, and the exit code says why.
 */
class InterruptTest {
    @TempDir
    Path work;

    /** A {@code benchmark} in a process group of its own (its pid is the group id). */
    private Process benchmark(Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Benchmark.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--results-dir", work.resolve("results").toString(), "--progress-interval", "1"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static void awaitOutput(Path out, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(out) && Files.readString(out).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' in: " + (Files.exists(out) ? Files.readString(out) : ""));
    }

    private static void signalGroup(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, "--", "-" + p.pid()).start().waitFor()).isZero();
    }

    /** Processes still in the group once the command ended: the simulator's, Python workers. */
    private static String leftInGroup(Process p) throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-a", "-g", Long.toString(p.pid())).redirectErrorStream(true).start();
        pgrep.waitFor(10, TimeUnit.SECONDS);
        return new String(pgrep.getInputStream().readAllBytes()).trim();
    }

    private JsonNode summary() throws Exception {
        return RunDirectories.latestSummary(work.resolve("results"));
    }

    @Test
    void ctrlCStopsNewStartsLetsTheRequestsInFlightFinishAndKeepsTheResults() throws Exception {
        Path out = work.resolve("out.txt");
        Process p = benchmark(out, "--simulate=latency=1500ms", "--client-rps", "20", "--obs-time", "60");
        awaitOutput(out, "in flight", p);
        Thread.sleep(1500);
        signalGroup(p, "INT");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out);

        assertThat(p.exitValue()).as(printed).isEqualTo(Benchmark.INTERRUPTED);
        assertThat(printed).contains("stopping: ", " in flight, Ctrl-C again to cut them off", "RESULTS",
                "Interrupted (Ctrl-C)");
        JsonNode s = summary();
        assertThat(s.get("interrupted").asBoolean()).isTrue();
        assertThat(s.get("interrupted_at_epoch_ms").asLong()).isBetween(s.get("wave_start_epoch_ms").asLong(),
                s.get("wave_end_epoch_ms").asLong());
        // the requests in flight finished within the grace period: every start succeeded
        assertThat(s.get("fired").asLong()).isBetween(20L, 200L);
        assertThat(s.get("succeeded").asLong()).isEqualTo(s.get("fired").asLong());
        assertThat(s.get("failed").asLong()).isZero();
        assertThat(leftInGroup(p)).isEmpty();
    }

    @Test
    void aSecondSigtermCutsOffPythonRequestsInFlightThatCountAsInterrupted() throws Exception {
        Path factories = work.resolve("slow.py");
        Files.writeString(factories, """
                import time

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        time.sleep(30)
                        return {"status": 200}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": ["{}"]}
                """);
        Path out = work.resolve("out.txt");
        Process p = benchmark(out, "--factories-file", factories.toString(), "--client-rps", "10", "--obs-time", "60");
        awaitOutput(out, "in flight", p);
        Thread.sleep(1500);
        signalGroup(p, "TERM");
        awaitOutput(out, "Ctrl-C again to cut them off", p);
        signalGroup(p, "TERM");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out);

        assertThat(p.exitValue()).as(printed).isEqualTo(Benchmark.TERMINATED);
        assertThat(printed).contains("RESULTS", "Interrupted (SIGTERM)", "interrupted");
        JsonNode s = summary();
        assertThat(s.get("interrupted").asBoolean()).isTrue();
        long fired = s.get("fired").asLong();
        assertThat(fired).isGreaterThan(5);
        // cut off: they count as failed, with the cause, and the counts balance
        assertThat(s.get("failed").asLong()).isEqualTo(fired);
        assertThat(s.get("succeeded").asLong() + s.get("failed").asLong()).isEqualTo(fired);
        assertThat(s.get("errors").get(0).get("message").asText()).startsWith("interrupted");
        // the Python workers ended with the command
        assertThat(leftInGroup(p)).isEmpty();
    }
}
