package io.inferencebench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunSummaryTest {
    @TempDir
    Path temp;

    private RunSummary read(String run) {
        return RunSummary.read(RunFixtures.copy(temp, run).get(0));
    }

    private static Optional<Metric> metric(RunSummary summary, String id) {
        return summary.metrics().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Test
    void readsTheWaveFiguresUnderTheOriginalToolsNames() {
        RunSummary run = read(RunFixtures.G5_XLARGE);

        assertThat(run.directoryName()).isEqualTo(RunFixtures.G5_XLARGE);
        assertThat(metric(run, "server_rps")).get().satisfies(m -> {
            assertThat(m.label()).isEqualTo("Server RPS (req/s)");
            assertThat(m.statistics()).containsExactly(Map.entry(Metric.VALUE, 9.4));
        });
        assertThat(metric(run, "fired").orElseThrow().name()).isEqualTo("Total requests fired");
        assertThat(metric(run, "completed").orElseThrow().name()).isEqualTo("Total requests");
        assertThat(metric(run, "success_rate").orElseThrow().statistics().get(Metric.VALUE)).isEqualTo(0.98667);
        assertThat(metric(run, "success_rate").orElseThrow().style()).isEqualTo(ValueStyle.PERCENT);
    }

    @Test
    void latencyIsADistributionInStatisticOrder() {
        Metric latency = metric(read(RunFixtures.G5_XLARGE), RunSummary.LATENCY).orElseThrow();

        assertThat(latency.kind()).isEqualTo(Metric.Kind.DISTRIBUTION);
        assertThat(latency.unit()).isEqualTo("ms");
        assertThat(latency.statistics().keySet()).containsExactly("mean", "min", "p50", "p90", "p99", "max");
        assertThat(latency.statistics().get("p99")).isEqualTo(3408.9);
    }

    @Test
    void measurementsBecomeDistributionsAndAStatusCodeIsListedButNotPlotted() {
        RunSummary run = read(RunFixtures.G5_XLARGE);

        Metric ttft = metric(run, "measurement:ttft_ms").orElseThrow();
        assertThat(ttft.label()).isEqualTo("Time to first token (ms)");
        assertThat(ttft.plotted()).isTrue();
        assertThat(ttft.statistics()).containsEntry("count", 592.0).containsEntry("p99", 452.0);
        assertThat(metric(run, "measurement:output_tokens").orElseThrow().unit()).isEqualTo("tokens");
        assertThat(metric(run, "measurement:status").orElseThrow().plotted()).isFalse();
    }

    @Test
    void aiperfMetricsAreReadWithAvgAsMeanAndSingleValuesAsValues() {
        RunSummary run = read(RunFixtures.G5_XLARGE);

        Metric ttft = metric(run, "aiperf:time_to_first_token").orElseThrow();
        assertThat(ttft.name()).isEqualTo("Time to First Token");
        assertThat(ttft.kind()).isEqualTo(Metric.Kind.DISTRIBUTION);
        assertThat(ttft.statistics()).containsEntry("mean", 212.0).containsKeys("p1", "p95", "std");
        assertThat(ttft.aliases()).contains("TTFT", "time_to_first_token");

        Metric throughput = metric(run, "aiperf:request_throughput").orElseThrow();
        assertThat(throughput.kind()).isEqualTo(Metric.Kind.SINGLE);
        assertThat(throughput.statistics()).containsExactly(Map.entry(Metric.VALUE, 9.93));
        assertThat(throughput.aliases()).contains("Server RPS");

        assertThat(run.metrics()).noneMatch(m -> m.id().endsWith("_timestamp"));
    }

    @Test
    void serverMetricsKeepTheirStreamAndSkipStatisticsWithoutData() {
        RunSummary run = read(RunFixtures.G5_XLARGE);

        Metric cpu = metric(run, "server:cloudwatch/CPUUtilization").orElseThrow();
        assertThat(cpu.group()).isEqualTo("cloudwatch");
        assertThat(cpu.unit()).isEqualTo("%");
        assertThat(cpu.statistics()).containsExactly(Map.entry("Average", 38.2), Map.entry("Maximum", 61.5));
        assertThat(metric(run, "server:cloudwatch/ModelLatency")).as("all its statistics are null").isEmpty();
        assertThat(run.notes()).contains("prometheus metrics failed for 20261129_101500_benchmark: "
                + "Prometheus at http://127.0.0.1:9090 did not answer: connection refused");
    }

    @Test
    void aClientBottleneckIsNotedWithItsCauses() {
        assertThat(read(RunFixtures.G5_XLARGE).notes()).contains("client bottleneck in 20261129_101500_benchmark "
                + "(late starts): the client, not the endpoint, limited that wave, so its figures understate the endpoint");
        assertThat(read(RunFixtures.G5_2XLARGE).notes()).isEmpty();
    }

    @Test
    void aRunWithoutOptionalSectionsHasOnlyWhatItMeasured() {
        RunSummary run = read(RunFixtures.G6_XLARGE);

        List<String> ids = run.metrics().stream().map(Metric::id).toList();
        assertThat(ids).contains(RunSummary.LATENCY, "server_rps", "aiperf:time_to_first_token")
                .doesNotContain(RunSummary.LATENCY_FROM_INTENDED, "aiperf:time_to_second_token", "aiperf:goodput", "queue")
                .noneMatch(id -> id.startsWith("server:") || id.startsWith("measurement:"));
        assertThat(run.notes()).isEmpty();
    }

    @Test
    void ignoresKeysItDoesNotKnow() throws IOException {
        Path run = RunFixtures.copy(temp, RunFixtures.G5_2XLARGE).get(0);
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("summary.json").toFile());
        root.putObject("gpu_power_w").put("mean", 300);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("latency_ms")).put("p_weird", "n/a");
        Files.writeString(run.resolve("summary.json"), root.toString());

        RunSummary summary = RunSummary.read(run);

        assertThat(summary.metrics()).extracting(Metric::id).doesNotContain("gpu_power_w").contains(RunSummary.LATENCY);
        assertThat(metric(summary, RunSummary.LATENCY).orElseThrow().statistics()).doesNotContainKey("p_weird");
    }

    @Test
    void aSummaryWithoutTheWavesCountsIsRefusedNotReadAsZeros() throws IOException {
        Path run = Files.createDirectories(temp.resolve("partial"));
        Files.writeString(run.resolve("summary.json"), "{\"schema_version\": 2, \"server_rps\": 4.5}");

        assertThatThrownBy(() -> RunSummary.read(run))
                .isInstanceOf(ReportInputException.class)
                .hasMessage(run.resolve("summary.json") + " has no number for fired, so it is not a whole InferenceBench "
                        + "summary: restore it or run the wave again.");
    }

    @Test
    void aVersionTwoSummaryWrittenByTheWaveReadsBackAsItsOwnType() throws IOException {
        Path run = Files.createDirectories(temp.resolve("20261204_120000_benchmark"));
        io.inferencebench.outcome.WaveSetup setup = new io.inferencebench.outcome.WaveSetup("http", "http://h/invocations",
                20.0, null, "uniform", 42L, 10.0, null, 2000, "fire", 30.0, 0.95,
                io.inferencebench.outcome.WaveSetup.Engine.EMBEDDED);
        io.inferencebench.outcome.Stats latency = new io.inferencebench.outcome.Stats(200L, null, 21.0, 20.0, 20.5, 22.0, 25.0, 30.0);
        io.inferencebench.outcome.WaveOutcome written = new io.inferencebench.outcome.WaveOutcome(2, "InferenceBench for JMeter",
                "test", run.getFileName().toString(), setup, 200, 200, 200, 0, 10.0, 20.0, 20.0, 1.0, true, 1L, 10_001L,
                latency, latency, 0, 0, null, null, null, Map.of(), List.of(), null,
                io.inferencebench.outcome.WaveOutcome.Verdict.NOT_JUDGED, false, null, null);
        written.write(run);

        RunSummary summary = RunSummary.read(run);

        assertThat(summary.outcome()).isEqualTo(written);
        assertThat(summary.mode()).isEqualTo("http");
        assertThat(metric(summary, RunSummary.LATENCY).orElseThrow().statistics()).containsEntry("p99", 25.0);
        assertThat(metric(summary, "target_rps").orElseThrow().statistics()).containsEntry(Metric.VALUE, 20.0);
    }

    @Test
    void anLlmWavesTokensSectionGetsAPanelPerTokenFigureAndNoDuplicateOfItsMeasurements() throws IOException {
        Path run = Files.createDirectories(temp.resolve("20261204_130000_benchmark"));
        io.inferencebench.outcome.Stats ttft = new io.inferencebench.outcome.Stats(100L, 20000.0, 200.0, 199.0, 200.0, 202.0, 206.0, 210.0);
        io.inferencebench.outcome.Stats itl = new io.inferencebench.outcome.Stats(100L, 2000.0, 20.0, 19.9, 20.0, 20.1, 20.2, 20.3);
        io.inferencebench.outcome.Stats tokens = new io.inferencebench.outcome.Stats(100L, 6400.0, 64.0, 64.0, 64.0, 64.0, 64.0, 64.0);
        io.inferencebench.outcome.WaveOutcome written = new io.inferencebench.outcome.WaveOutcome(2, "InferenceBench for JMeter",
                "test", run.getFileName().toString(), null, 100, 100, 100, 0, 10.0, 10.0, 10.0, 1.0, true, 1L, 10_001L,
                ttft, ttft, 0, 0, null, null, null, Map.of("ttft_ms", ttft, "output_tokens", tokens), List.of(), null,
                io.inferencebench.outcome.WaveOutcome.Verdict.NOT_JUDGED, false, null, null)
                .withSection(io.inferencebench.outcome.TokenMetrics.SECTION, new io.inferencebench.outcome.TokenMetrics(100,
                        "usage", 640.0, 6400L, 12800L, null, null, ttft, itl, itl, ttft, tokens, tokens, itl));
        written.write(run);

        RunSummary summary = RunSummary.read(run);

        assertThat(metric(summary, "tokens:time_to_first_token").orElseThrow().plotted()).isTrue();
        assertThat(metric(summary, "tokens:inter_token_latency").orElseThrow().statistics()).containsEntry("p50", 20.0);
        assertThat(metric(summary, "tokens:output_token_throughput").orElseThrow().statistics())
                .containsEntry(Metric.VALUE, 640.0);
        assertThat(metric(summary, "tokens:goodput")).as("no SLO, no goodput").isEmpty();
        assertThat(metric(summary, "measurement:ttft_ms").orElseThrow().plotted()).isFalse();
        assertThat(metric(summary, "measurement:output_tokens").orElseThrow().plotted()).isFalse();
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path missing = temp.resolve("no_such_run");
        assertThatThrownBy(() -> RunSummary.read(missing))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("Run directory " + missing + " does not exist: pass the directories a wave wrote (they hold summary.json).");
    }

    @Test
    void aFileIsNotARunDirectory() throws IOException {
        Path file = Files.writeString(temp.resolve("results.jtl"), "timeStamp,elapsed\n");
        assertThatThrownBy(() -> RunSummary.read(file))
                .isInstanceOf(ReportInputException.class)
                .hasMessage(file + " is a file, not a run directory: pass the directories a wave wrote (they hold summary.json).");
    }

    @Test
    void aDirectoryWithoutSummaryIsNotARun() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("20261129_090000_benchmark"));
        Files.writeString(directory.resolve("benchmark.log"), "wave aborted\n");

        assertThatThrownBy(() -> RunSummary.read(directory))
                .isInstanceOf(ReportInputException.class)
                .hasMessage(directory + " is not a run directory: it has no summary.json "
                        + "(pass the directories a wave wrote, e.g. results/20261129_101500_benchmark).");
    }

    @Test
    void aCorruptSummaryNamesWhereItBreaks() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("truncated"));
        Files.writeString(directory.resolve("summary.json"), "{\n  \"schema_version\": 1,\n  \"fired\": 6");

        assertThatThrownBy(() -> RunSummary.read(directory))
                .isInstanceOf(ReportInputException.class)
                .hasMessageStartingWith(directory.resolve("summary.json") + " is not valid JSON (line 3, column")
                .hasMessageEndingWith("): restore it or run the wave again.");
    }

    @Test
    void aSummaryWithoutSchemaVersionWasNotWrittenByUs() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("locust_run"));
        Files.writeString(directory.resolve("summary.json"), "{\"fired\": 600}");

        assertThatThrownBy(() -> RunSummary.read(directory))
                .isInstanceOf(ReportInputException.class)
                .hasMessage(directory.resolve("summary.json") + " has no integer schema_version, so it was not written "
                        + "by InferenceBench: pass run directories written by a wave.");
    }

    @Test
    void aNewerSchemaVersionAsksForAnUpgrade() {
        Path directory = RunFixtures.copy(temp, RunFixtures.FUTURE_SCHEMA).get(0);

        assertThatThrownBy(() -> RunSummary.read(directory))
                .isInstanceOf(ReportInputException.class)
                .hasMessage(directory.resolve("summary.json") + " has schema_version 9, which this InferenceBench "
                        + "(it reads versions 1 and 2) does not know: upgrade InferenceBench to compare it.");
    }

    @Test
    void anOlderSchemaVersionAsksForANewWave() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("prerelease"));
        Files.writeString(directory.resolve("summary.json"), "{\"schema_version\": 0}");

        assertThatThrownBy(() -> RunSummary.read(directory))
                .isInstanceOf(ReportInputException.class)
                .hasMessageEndingWith("has schema_version 0, which this InferenceBench (it reads versions 1 and 2) does not know: "
                        + "run the wave again with this InferenceBench.");
    }
}
