package io.inferencebench.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaveOutcomeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static WaveOutcome sample() {
        WaveSetup setup = new WaveSetup("http", "http://127.0.0.1:8080/invocations", 50.0, null, "uniform", 42L, 20.0,
                null, 2000, "fire", 30.0, 0.95, WaveSetup.Engine.EMBEDDED);
        Stats latency = new Stats(1000L, null, 51.2, 50.1, 50.9, 52.0, 55.3, 61.0);
        return new WaveOutcome(WaveOutcome.SCHEMA_VERSION, WaveOutcome.TOOL, "test", "20261204_101500_benchmark", setup,
                1000, 1000, 998, 2, 20.0, 50.0, 49.9, 0.998, true, 1_764_411_300_000L, 1_764_411_320_000L, latency,
                latency, 3, 0, latency, new WaveOutcome.Threads(12, 2000, false, 0), null,
                Map.of("output_tokens", new Stats(998L, 63872.0, 64.0, 64.0, 64.0, 64.0, 64.0, 64.0)),
                List.of(new WaveOutcome.ErrorCount("500/Internal Server Error", 2)), null,
                new WaveOutcome.Verdict(true, List.of(new WaveOutcome.Verdict.Cause("late starts", "3 of 1000", "r", false))),
                false, null, null);
    }

    @Test
    void summaryJsonUsesTheDocumentedKeysAndSectionsSitAtTheTopLevel() {
        ClientHardwareSummary hw = new ClientHardwareSummary(10, 100, 2, new ClientHardwareSummary.Range(20.0, 40.0),
                new ClientHardwareSummary.Range(30.0, 50.0), ClientHardwareSummary.Range.NONE,
                ClientHardwareSummary.Range.NONE, ClientHardwareSummary.Range.NONE, ClientHardwareSummary.Range.NONE,
                1024L, 1L, 5L);
        JsonNode json = JSON.valueToTree(sample().withSection(ClientHardwareSummary.SECTION, hw));

        assertThat(json.get("schema_version").asInt()).isEqualTo(2);
        assertThat(json.get("spec").get("target_rps").asDouble()).isEqualTo(50.0);
        assertThat(json.get("spec").get("engine").get("kind").asText()).isEqualTo("embedded");
        assertThat(json.get("latency_from_intended_ms").get("p99").asDouble()).isEqualTo(55.3);
        assertThat(json.get("latency_ms").has("sum")).as("not measured is left out of a distribution").isFalse();
        assertThat(json.get("threads").get("cap_reached").asBoolean()).isFalse();
        assertThat(json.get("client_bottleneck").get("causes").get(0).get("cause").asText()).isEqualTo("late starts");
        assertThat(json.get("client_hw").get("process_cpu_percent").get("max").asDouble()).isEqualTo(40.0);
        assertThat(json.has("sections")).isFalse();
        List<String> keys = JSON.convertValue(json.fieldNames(), List.class);
        assertThat(keys.get(keys.size() - 1)).as("sections come after the wave's own keys").isEqualTo("client_hw");
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameTypes(@TempDir Path dir) throws Exception {
        ClientHardwareSummary hw = new ClientHardwareSummary(3, 100, 2, new ClientHardwareSummary.Range(1.5, 2.5),
                ClientHardwareSummary.Range.NONE, ClientHardwareSummary.Range.NONE, ClientHardwareSummary.Range.NONE,
                ClientHardwareSummary.Range.NONE, ClientHardwareSummary.Range.NONE, null, null, null);
        WaveOutcome written = sample().withSection(ClientHardwareSummary.SECTION, hw)
                .withPython(new WaveOutcome.Python(2, null, "2 CPython worker processes", 0, true));
        written.write(dir);
        assertThat(dir.resolve(WaveOutcome.FILE_NAME + ".tmp")).doesNotExist();

        WaveOutcome read = WaveOutcome.fromJson(JSON.readTree(Files.readString(dir.resolve(WaveOutcome.FILE_NAME))));
        assertThat(read.section(ClientHardwareSummary.SECTION)).isEqualTo(hw);
        assertThat(read.section(ServerMetricsReport.SECTION)).isNull();
        assertThat(read.withSection(ClientHardwareSummary.SECTION, hw)).isEqualTo(written);
        assertThat(read.spec()).isEqualTo(written.spec());
        assertThat(read.measurements().get("output_tokens").sum()).isEqualTo(63872.0);
    }

    @Test
    void aVersionOneSummaryUpgradesToTheSameFigures() throws Exception {
        ObjectNode v1 = (ObjectNode) JSON.readTree("""
                {"schema_version": 1, "run_name": "r1", "mode": "http", "target": "http://h/invocations",
                 "target_rps": 10.0, "load_profile": null, "arrivals": "uniform",
                 "bounds": {"obs_time_s": 60.0, "num_requests": null},
                 "fired": 600, "completed": 600, "succeeded": 598, "failed": 2, "duration_s": 59.93,
                 "client_rps": 10.01, "server_rps": 10.0, "success_rate": 0.99667, "success_threshold": 0.95,
                 "passed": true, "wave_start_epoch_ms": 1764411300000, "wave_end_epoch_ms": 1764411359930,
                 "latency_ms": {"mean": 51.2, "min": 50.1, "p50": 50.9, "p90": 52.0, "p99": 55.3, "max": 61.0},
                 "late_starts": 0, "dropped_starts": 0, "lateness_ms": {"p50": 0.05, "p99": 0.4, "max": 1.2},
                 "threads": {"started": 4, "max_threads": 2000, "cap_reached": false},
                 "errors": [{"message": "500/Internal Server Error", "count": 2}],
                 "remote_engines": ["h1:1099", "h2"],
                 "client_hw": null, "client_bottleneck": {"detected": false, "causes": []},
                 "server_metrics": null, "aiperf": {"metrics": {"ttft": {"unit": "ms", "avg": 200.0}}}}
                """);
        WaveOutcome o = WaveOutcome.fromJson(SummaryV1.upgrade(v1));
        assertThat(o.schemaVersion()).isEqualTo(2);
        assertThat(o.spec().targetRps()).isEqualTo(10.0);
        assertThat(o.spec().obsTimeS()).isEqualTo(60.0);
        assertThat(o.spec().successThreshold()).isEqualTo(0.95);
        assertThat(o.spec().engine()).isEqualTo(WaveSetup.Engine.remote(List.of("h1:1099", "h2")));
        assertThat(o.succeeded()).isEqualTo(598);
        assertThat(o.latenessMs().p99()).isEqualTo(0.4);
        assertThat(o.errors()).containsExactly(new WaveOutcome.ErrorCount("500/Internal Server Error", 2));
        assertThat(o.sections()).containsOnlyKeys("aiperf");
        assertThat(o.sectionJson("aiperf").get("metrics").get("ttft").get("avg").asDouble()).isEqualTo(200.0);
        assertThat(v1.has("mode")).as("the v1 tree is left as it was").isTrue();
    }
}
