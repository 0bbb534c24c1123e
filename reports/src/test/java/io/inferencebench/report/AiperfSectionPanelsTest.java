package io.inferencebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.wave.WaveStatistics;

/** The typed aiperf section, as --aiperf writes it, becomes the report's and the workbook's aiperf panels. */
class AiperfSectionPanelsTest {
    @TempDir
    Path temp;

    private RunSummary run(String name, AiperfReport report) throws Exception {
        Path dir = Files.createDirectories(temp.resolve(name));
        WaveOutcome o = new WaveStatistics().outcome(null, new WaveSetup("http", "http://h/v1/chat/completions", 5.0,
                null, "uniform", 42L, null, 40L, 2000, "fire", 30.0, 0.95, WaveSetup.Engine.EMBEDDED)).withRun(name);
        (report == null ? o : o.withSection(AiperfReport.SECTION, report)).write(dir);
        return RunSummary.read(dir);
    }

    private static AiperfReport measured(double ttftP50) {
        return new AiperfReport(AiperfReport.OK, null, "aiperf profile --api-key ***", "0.1.1", null, 40L, 40L, 0L, 9.6,
                4.17, 1.0, Map.of(
                "time_to_first_token", new AiperfReport.Metric("ms", ttftP50 + 17, 202.3, 825.6, 202.3, 202.4, 202.5,
                        203.1, ttftP50, 206.7, 210.9, 223.7, 600.8, 96.9, 40.0, 8885.0),
                "request_throughput", AiperfReport.Metric.single("requests/sec", 4.17)), List.of(), null);
    }

    @Test
    void aiperfsTagsArePanelsWithItsStatisticsAndNoSum() throws Exception {
        RunSummary run = run("20261204_164258_benchmark", measured(204.9));
        Metric ttft = run.metrics().stream().filter(m -> m.id().equals("aiperf:time_to_first_token")).findFirst().orElseThrow();
        assertThat(ttft.kind()).isEqualTo(Metric.Kind.DISTRIBUTION);
        assertThat(ttft.statistics()).containsEntry("p50", 204.9).containsEntry("mean", 221.9).containsKey("count")
                .doesNotContainKey("sum");
        assertThat(run.metrics()).anyMatch(m -> m.id().equals("aiperf:request_throughput")
                && m.statistics().equals(Map.of(Metric.VALUE, 4.17)));
    }

    @Test
    void aFailedAiperfRunHasNoPanelsAndTheComparisonStillBuilds() throws Exception {
        RunSummary failed = run("20261204_170000_benchmark", AiperfReport.failed(null, "aiperf is not installed."));
        RunSummary ok = run("20261204_170100_benchmark", measured(210.0));
        assertThat(failed.metrics()).noneMatch(m -> m.source() == Source.AIPERF);
        Comparison comparison = Comparison.of(List.of(failed, ok), PlotFields.parse(null), PlotMetadata.none());
        assertThat(comparison.panels(Source.AIPERF)).extracting(Comparison.Panel::title).isNotEmpty();
    }
}
