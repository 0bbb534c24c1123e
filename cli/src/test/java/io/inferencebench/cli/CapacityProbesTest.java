package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.testsupport.CapturedConsole;

/** The client-capacity probes, run as a user would, with real CPython workers. */
class CapacityProbesTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    /** invoke burns 4 ms of CPU under the GIL: one worker tops out near 250 requests/s. */
    private Path cpuBoundFactories() throws Exception {
        Path f = tmp.resolve("cpu_bound.py");
        Files.writeString(f, """
                import time

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        # 4 ms of this thread's own CPU: under the GIL requests cannot overlap it
                        end = time.thread_time() + 0.004
                        while time.thread_time() < end:
                            pass
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [{"x": 1}]}
                """);
        return f;
    }

    private JsonNode json(Path results, String file) throws Exception {
        try (Stream<Path> runs = Files.list(results)) {
            return new ObjectMapper().readTree(runs.findFirst().orElseThrow().resolve(file).toFile());
        }
    }

    @Test
    void workerSaturationFindsWhereOneWorkerStopsKeepingUp() throws Exception {
        Path results = tmp.resolve("ws");
        int code = Benchmark.execute("capacity", "worker-saturation", "--factories-file", cpuBoundFactories().toString(),
                "--start-rate", "100", "--max-rate", "2000", "--confirmations", "2", "--results-dir", results.toString());
        assertThat(code).isEqualTo(0);
        JsonNode r = json(results, "worker_saturation.json");
        // 4 ms of CPU per request: no more than 250/s, and well above a tenth of that
        assertThat(r.get("saturation_rps").asDouble()).isBetween(40.0, 260.0);
        assertThat(r.get("bursts").size()).isGreaterThanOrEqualTo(2);
        assertThat(r.get("confirmation").get("mean").asDouble()).isLessThan(300);
        assertThat(r.get("idle_baseline").get("samples").asInt()).isGreaterThan(5);
        assertThat(console.out()).contains("Saturation: about", "Asked/s   Fired/s");
    }

    @Test
    void rpsSaturationAddsWorkersAndRecommendsACount() throws Exception {
        Path results = tmp.resolve("rs");
        int code = Benchmark.execute("capacity", "rps-saturation", "--factories-file", cpuBoundFactories().toString(),
                "--max-workers", "2", "--burst-seconds", "1", "--results-dir", results.toString());
        assertThat(code).isEqualTo(0);
        JsonNode r = json(results, "rps_saturation.json");
        assertThat(r.get("rows").size()).isBetween(1, 2);
        assertThat(r.get("recommended_workers").asInt()).isBetween(1, 2);
        assertThat(console.out()).contains("Workers | Requests/s | Gain", "Recommended: --workers");
    }

    @Test
    void fdLimitReportsTheLimitsAndTheConnectionsTheyAllow() throws Exception {
        Path results = tmp.resolve("fd");
        assertThat(Benchmark.execute("capacity", "fd-limit", "--results-dir", results.toString())).isEqualTo(0);
        JsonNode r = json(results, "fd_limit.json");
        long soft = r.get("soft_limit").asLong();
        assertThat(soft).isPositive();
        assertThat(r.get("open").asLong()).isPositive().isLessThan(soft);
        assertThat(r.get("connections_soft").asLong()).isEqualTo(soft - r.get("open").asLong() - 200);
        assertThat(r.get("file_max").asLong()).isGreaterThan(1000);
    }
}
