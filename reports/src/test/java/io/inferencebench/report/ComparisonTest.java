package io.inferencebench.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComparisonTest {
    @TempDir
    Path temp;

    private List<RunSummary> threeRuns() {
        return RunFixtures.copy(temp, RunFixtures.THREE_RUNS).stream().map(RunSummary::read).toList();
    }

    private static Comparison.Panel panel(Comparison comparison, String id) {
        return comparison.panels().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void legendsComeFromMetadataOrTheDirectoryName() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(),
                PlotMetadata.parse("{\"" + RunFixtures.G5_XLARGE + "\": {\"legend\": \"g5.xlarge\", \"batch size\": 4}}"));

        assertThat(comparison.runs()).extracting(Comparison.Run::legend)
                .containsExactly("g5.xlarge", RunFixtures.G5_2XLARGE, RunFixtures.G6_XLARGE);
        assertThat(comparison.runs().get(0).metadata()).containsExactly(java.util.Map.entry("batch size", "4"));
        assertThat(comparison.metadataKeys()).containsExactly("batch size");
        assertThat(comparison.runs()).extracting(Comparison.Run::colour).doesNotHaveDuplicates();
    }

    @Test
    void duplicateLegendsAreNumberedInRunOrder() {
        PlotMetadata metadata = PlotMetadata.parse("{\"" + RunFixtures.G5_XLARGE + "\": {\"legend\": \"baseline\"}, \""
                + RunFixtures.G5_2XLARGE + "\": {\"legend\": \"baseline\"}, \"" + RunFixtures.G6_XLARGE + "\": {\"legend\": \"baseline\"}}");

        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(), metadata);

        assertThat(comparison.runs()).extracting(Comparison.Run::legend)
                .containsExactly("baseline", "baseline (2)", "baseline (3)");
    }

    @Test
    void theSameRunTwiceGetsTwoLegends() {
        RunSummary run = threeRuns().get(0);

        Comparison comparison = Comparison.of(List.of(run, run), PlotFields.all(), PlotMetadata.none());

        assertThat(comparison.runs()).extracting(Comparison.Run::legend)
                .containsExactly(RunFixtures.G5_XLARGE, RunFixtures.G5_XLARGE + " (2)");
    }

    @Test
    void wavePanelsFollowTheOriginalToolsMetricsThenMeasurements() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(), PlotMetadata.none());

        assertThat(comparison.panels(Source.WAVE)).extracting(Comparison.Panel::label).containsExactly(
                "Latency (ms)", "Client RPS (req/s)", "Server RPS (req/s)", "Success rate (%)",
                "Total requests fired (requests)", "Total requests (requests)", "Duration (s)",
                "Input tokens (tokens)", "Output tokens (tokens)", "Time to first token (ms)");
    }

    @Test
    void latencyOffersEachSelectorStatisticMeasuredFromBothStarts() {
        Comparison.Panel latency = panel(Comparison.of(threeRuns(), PlotFields.all(), PlotMetadata.none()), "latency");

        assertThat(latency.selectable()).isTrue();
        assertThat(latency.variants()).extracting(Comparison.Variant::key).containsExactly(
                "mean", "p50", "p90", "p99", "max",
                "intended-mean", "intended-p50", "intended-p90", "intended-p99", "intended-max");
        assertThat(latency.variants().get(3).values()).containsExactly(3408.9, 1876.5, 2301.6);
        assertThat(latency.variants().get(8).label()).isEqualTo("Latency from intended start p99 (ms)");
        assertThat(latency.variants().get(8).values()).as("the g6 run did not record it").containsExactly(3655.2, 1878.8, null);
    }

    @Test
    void withoutLatencyFromIntendedStartInAnyRunThereIsNothingToSwitchTo() {
        Comparison comparison = Comparison.of(List.of(threeRuns().get(2)), PlotFields.all(), PlotMetadata.none());

        assertThat(panel(comparison, "latency").variants()).noneMatch(Comparison.Variant::fromIntendedStart);
    }

    @Test
    void serverMetricsGetOnePanelPerStreamMetricAndStatistic() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(), PlotMetadata.none());

        assertThat(comparison.panels(Source.SERVER)).extracting(Comparison.Panel::id).containsExactly(
                "server:cloudwatch/CPUUtilization/Average", "server:cloudwatch/CPUUtilization/Maximum",
                "server:cloudwatch/GPUUtilization/Average", "server:cloudwatch/GPUUtilization/Maximum",
                "server:cloudwatch/GPUMemoryUtilization/Average", "server:cloudwatch/GPUMemoryUtilization/Maximum");
        Comparison.Panel cpu = comparison.panels(Source.SERVER).get(1);
        assertThat(cpu.title()).isEqualTo("CPUUtilization · Maximum");
        assertThat(cpu.subtitle()).isEqualTo("cloudwatch");
        assertThat(cpu.defaultVariant().values()).containsExactly(61.5, 35.0, null);
        assertThat(comparison.notes()).anySatisfy(note -> assertThat(note).startsWith("prometheus metrics failed"));
    }

    @Test
    void aiperfPanelsExistWhenAnyRunRanAiperf() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(), PlotMetadata.none());

        assertThat(comparison.panels(Source.AIPERF)).extracting(Comparison.Panel::title)
                .contains("Request Throughput", "Time to First Token", "Inter Token Latency", "Time to Second Token", "Goodput")
                .doesNotContain("Min Request Timestamp");
        assertThat(panel(comparison, "aiperf:time_to_second_token").defaultVariant().values())
                .containsExactly(24.1, null, null);
    }

    @Test
    void plotFieldsKeepOnlyTheNamedPanelsOfTheNamedSources() {
        PlotFields fields = PlotFields.parse("{\"locust\": [\"Latency (ms)\", \"Server RPS\", \"Total requests fired\"],"
                + " \"aiperf\": [\"TTFT\", \"Server RPS\"], \"cloudwatch\": [\"GPUUtilization\", \"CPUUtilization Maximum\"]}");

        Comparison comparison = Comparison.of(threeRuns(), fields, PlotMetadata.none());

        assertThat(comparison.panels()).extracting(Comparison.Panel::id).containsExactly(
                "latency", "server_rps", "fired",
                "aiperf:request_throughput", "aiperf:time_to_first_token",
                "server:cloudwatch/CPUUtilization/Maximum",
                "server:cloudwatch/GPUUtilization/Average", "server:cloudwatch/GPUUtilization/Maximum");
        assertThat(comparison.warnings()).isEmpty();
    }

    @Test
    void sheetRowsHoldEveryStatisticWhateverThePlotFields() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.parse("{\"wave\": []}"), PlotMetadata.none());

        assertThat(comparison.panels(Source.WAVE)).isEmpty();
        assertThat(comparison.rows(Source.WAVE)).anySatisfy(row -> {
            assertThat(row.metric()).isEqualTo("Start lateness");
            assertThat(row.statistic()).isEqualTo("p99");
            assertThat(row.values()).containsExactly(38.0, 0.4, 0.4);
        });
        assertThat(comparison.rows(Source.WAVE)).anySatisfy(row -> {
            assertThat(row.metric()).isEqualTo("Passed");
            assertThat(row.style()).isEqualTo(ValueStyle.YES_NO);
            assertThat(row.values()).containsExactly(1.0, 1.0, 1.0);
        });
        assertThat(comparison.rows(Source.WAVE)).anySatisfy(row -> {
            assertThat(row.metric()).isEqualTo("Time to first token");
            assertThat(row.statistic()).isEqualTo("count");
            assertThat(row.style()).isEqualTo(ValueStyle.COUNT);
        });
        assertThat(comparison.rows(Source.SERVER)).extracting(Comparison.Row::metric).contains("cloudwatch · CPUUtilization");
        assertThat(comparison.rows(Source.AIPERF)).filteredOn(row -> row.metric().equals("Time to First Token"))
                .extracting(Comparison.Row::statistic)
                .containsExactly("mean", "min", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "max", "std");
    }

    @Test
    void unmatchedNamesBecomeWarningsNotFailures() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.parse("{\"server\": [\"DiskUtilization\"]}"),
                PlotMetadata.parse("{\"elsewhere\": {\"legend\": \"x\"}}"));

        assertThat(comparison.panels(Source.SERVER)).isEmpty();
        assertThat(comparison.warnings()).hasSize(2);
        assertThat(comparison.warnings().get(0)).startsWith("--plot-fields server: \"DiskUtilization\" matches no metric");
        assertThat(comparison.warnings().get(1)).startsWith("--plot-metadata names \"elsewhere\"");
    }

    @Test
    void nothingToCompareIsAnInputError() {
        assertThatThrownBy(() -> Comparison.of(List.of(), PlotFields.all(), PlotMetadata.none()))
                .isInstanceOf(ReportInputException.class)
                .hasMessage("No run directories to compare: pass one or more with --plot.");
    }

    @Test
    void everyRunHasAValueSlotInEveryVariant() {
        Comparison comparison = Comparison.of(threeRuns(), PlotFields.all(), PlotMetadata.none());

        assertThat(comparison.panels()).allSatisfy(panel -> assertThat(panel.variants())
                .allSatisfy(variant -> assertThat(variant.values()).hasSize(3)));
        assertThat(Arrays.asList(Source.values())).allSatisfy(source -> assertThat(comparison.rows(source))
                .allSatisfy(row -> assertThat(row.values()).hasSize(3)));
    }
}
