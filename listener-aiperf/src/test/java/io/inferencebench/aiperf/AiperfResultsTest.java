package io.inferencebench.aiperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.WaveOutcome;

/**
 * aiperf's files into the section: real files aiperf 0.1.1 wrote against the simulator (ttft 200 ms,
 * itl 20 ms, 64 tokens, 40 requests at 5 req/s), an older release's records-nested JSON, a newer
 * release's JSON, and a CSV with a telemetry section.
 */
class AiperfResultsTest {

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(AiperfResultsTest.class.getResource("/aiperf/" + name).toURI());
    }

    @Test
    void realAiperf011FilesReadAsAiperfMeasuredThem() throws Exception {
        AiperfReport r = AiperfResults.read(fixture("real-0.1.1"));
        assertThat(r.ok()).isTrue();
        assertThat(r.fired()).isEqualTo(40);
        assertThat(r.completed()).isEqualTo(40);
        assertThat(r.failed()).isZero();
        assertThat(r.successRate()).isEqualTo(1.0);
        assertThat(r.durationS()).isCloseTo(9.6029, within(1e-3));
        assertThat(r.serverRps()).isCloseTo(4.1654, within(1e-3));
        AiperfReport.Metric ttft = r.metric("time_to_first_token");
        assertThat(ttft.unit()).isEqualTo("ms");
        assertThat(ttft.avg()).isCloseTo(222.125, within(1e-3));
        assertThat(ttft.p50()).isCloseTo(204.873, within(1e-3));
        assertThat(ttft.min()).isCloseTo(202.258, within(1e-3));
        assertThat(ttft.p99()).isCloseTo(600.772, within(1e-3));
        AiperfReport.Metric itl = r.metric("inter_token_latency");
        assertThat(itl.avg()).isCloseTo(20.178, within(1e-3));
        assertThat(itl.p50()).isCloseTo(19.99, within(0.01));
        assertThat(r.metric("output_token_throughput").avg()).isCloseTo(266.59, within(0.01));
        assertThat(r.metric("output_sequence_length").p50()).isEqualTo(64.0);
        assertThat(r.metrics()).as("null metrics (goodput: no SLOs) are left out, the configuration is no metric")
                .doesNotContainKeys("goodput", "error_request_count", "input_config");
        // aiperf's own window: its first request start to its last response end
        assertThat(r.window().endEpochMs() - r.window().startEpochMs()).isCloseTo(9603L, within(2L));
    }

    @Test
    void theRealCsvGivesTheSameFiguresAtTwoDecimals() throws Exception {
        Map<String, AiperfReport.Metric> csv = AiperfCsv.parse(Files.readString(fixture("real-0.1.1")
                .resolve(AiperfResults.SUMMARY_CSV)));
        AiperfReport json = AiperfResults.read(fixture("real-0.1.1"));
        for (String tag : new String[] {"time_to_first_token", "inter_token_latency", "request_latency",
                "time_to_second_token", "output_token_throughput_per_user", "inter_chunk_latency"}) {
            AiperfReport.Metric c = csv.get(tag);
            AiperfReport.Metric j = json.metric(tag);
            assertThat(c).as(tag).isNotNull();
            assertThat(c.unit()).isEqualTo(j.unit());
            assertThat(c.avg()).as(tag).isCloseTo(j.avg(), within(0.006));
            assertThat(c.p50()).as(tag).isCloseTo(j.p50(), within(0.006));
            assertThat(c.p99()).as(tag).isCloseTo(j.p99(), within(0.006));
            assertThat(c.std()).as(tag).isCloseTo(j.std(), within(0.006));
        }
        assertThat(csv.get("request_throughput").avg()).isEqualTo(4.17);
        assertThat(csv.get("request_count").avg()).isEqualTo(40.0);
        assertThat(csv.get("request_count").unit()).isEmpty();
        assertThat(csv.get("benchmark_duration").unit()).isEqualTo("sec");
        assertThat(csv.get("total_osl").avg()).isEqualTo(2560.0);
        assertThat(csv.get("min_request_timestamp").unit()).isEqualTo("ns");
    }

    @Test
    void anOlderReleasesRecordsShapeReadsWithCurrentTags() throws Exception {
        AiperfReport r = AiperfResults.read(fixture("older-records"));
        assertThat(r.metric("time_to_first_token").avg()).isEqualTo(202.4);
        assertThat(r.metric("time_to_first_token").p99()).isEqualTo(229.8);
        assertThat(r.metrics()).doesNotContainKeys("ttft", "goodput");
        assertThat(r.completed()).isEqualTo(98);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.fired()).as("no per-request file: completed + failed").isEqualTo(100);
        assertThat(r.successRate()).isEqualTo(0.98);
        assertThat(r.durationS()).isEqualTo(3.91);
        assertThat(r.serverRps()).isEqualTo(25.54);
        assertThat(r.errors()).containsExactly(new WaveOutcome.ErrorCount("503 Service Unavailable: overloaded", 2));
        assertThat(r.window().endEpochMs() - r.window().startEpochMs()).isEqualTo(3910);
    }

    @Test
    void aNewerReleasesJsonKeepsCountSumAndVersion() throws Exception {
        AiperfReport r = AiperfResults.read(fixture("newer"));
        assertThat(r.aiperfVersion()).isEqualTo("0.3.0");
        assertThat(r.metric("time_to_first_token").count()).isEqualTo(99.0);
        assertThat(r.metric("time_to_first_token").sum()).isEqualTo(20304.9);
        assertThat(r.metrics()).doesNotContainKeys("time_to_second_token", "schema_version", "benchmark_id");
        assertThat(r.completed()).isEqualTo(99);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.successRate()).isEqualTo(0.99);
        assertThat(r.errors()).extracting(WaveOutcome.ErrorCount::message).containsExactly("500 Internal Server Error: simulated error");
    }

    @Test
    void withoutTheJsonTheCsvIsReadAndItsTelemetrySectionSkipped() throws Exception {
        AiperfReport r = AiperfResults.read(fixture("csv-only"));
        assertThat(r.metric("time_to_first_token").p99()).isEqualTo(229.8);
        assertThat(r.metric("inter_token_latency").avg()).as("a quoted cell").isEqualTo(20.01);
        assertThat(r.completed()).isEqualTo(100);
        assertThat(r.durationS()).isEqualTo(3.91);
        assertThat(r.serverRps()).isEqualTo(25.54);
        assertThat(r.metrics()).doesNotContainKeys("gpu_utilization", "gpu_telemetry");
    }

    @Test
    void aDirectoryWithoutSummariesOrWithBrokenJsonSaysWhich(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> AiperfResults.read(dir)).isInstanceOf(AiperfResultsException.class)
                .hasMessageStartingWith("aiperf wrote no profile_export_aiperf.json nor profile_export_aiperf.csv in");
        Files.writeString(dir.resolve(AiperfResults.SUMMARY_JSON), "{\"request_count\": ");
        assertThatThrownBy(() -> AiperfResults.read(dir)).isInstanceOf(AiperfResultsException.class)
                .hasMessageStartingWith("profile_export_aiperf.json is not JSON");
    }

    @Test
    void theSectionsJsonIsWhatTheReportsRead() throws Exception {
        AiperfReport r = AiperfResults.read(fixture("real-0.1.1"));
        WaveOutcome o = new io.inferencebench.wave.WaveStatistics().outcome(null, new io.inferencebench.outcome.WaveSetup("aiperf",
                "http://h", null, null, null, null, null, 40L, null, null, null, 0.95, io.inferencebench.outcome.WaveSetup.Engine.EMBEDDED)).withSection(AiperfReport.SECTION, r);
        WaveOutcome back = WaveOutcome.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.toJson()));
        assertThat(back.sectionJson("aiperf").path("metrics").path("time_to_first_token").path("p50").asDouble())
                .isCloseTo(204.873, within(1e-3));
        assertThat(back.section(AiperfReport.SECTION)).isEqualTo(r);
        assertThat(back.sectionJson("aiperf").path("metrics").path("request_count").has("p50"))
                .as("statistics aiperf did not give are left out").isFalse();
    }
}
