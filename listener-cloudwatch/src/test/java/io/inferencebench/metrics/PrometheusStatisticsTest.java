package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.metrics.MetricFamily.Point;
import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrometheusStatisticsTest {

    @Test
    void aCounterGivesItsIncreaseAcrossTheWindowAndItsRateCountingThroughResets() {
        // scraped every 10 s; the window is [15 s, 45 s]; the server restarted between 30 and 40 s
        List<Point> points = List.of(p(0, 100), p(10, 110), p(20, 130), p(30, 160), p(40, 5), p(50, 25), p(60, 99));

        Map<String, Double> statistics = PrometheusStatistics.counter(points, 15_000, 45_000);

        // from the last point at or before 15 s (110) to the first at or after 45 s (25): 20 + 30 + 5 + 20
        assertThat(statistics.get("delta")).isEqualTo(75.0);
        assertThat(statistics.get("rate")).isCloseTo(75.0 / 40, within(1e-12));
    }

    @Test
    void aGaugeGivesAverageMinimumMaximumAndLastOfThePointsInTheWindow() {
        List<Point> points = List.of(p(0, 99), p(10, 40), p(20, 80), p(30, 60), p(40, 1));

        assertThat(PrometheusStatistics.gauge(points, 10_000, 30_000))
                .containsExactly(Map.entry("avg", 60.0), Map.entry("min", 40.0), Map.entry("max", 80.0), Map.entry("last", 60.0));
        assertThat(PrometheusStatistics.gauge(points, 11_000, 12_000))
                .as("no point inside a short window: the two around it").containsEntry("min", 40.0).containsEntry("max", 80.0);
    }

    @Test
    void histogramQuantilesInterpolateWithinBucketsLikePromql() {
        TreeMap<Double, Double> cumulative = new TreeMap<>(Map.of(0.025, 50.0, 0.1, 50.0, 0.25, 90.0, 1.0, 100.0,
                Double.POSITIVE_INFINITY, 100.0));

        assertThat(PrometheusStatistics.quantile(0.5, cumulative)).isCloseTo(0.025, within(1e-12));
        assertThat(PrometheusStatistics.quantile(0.9, cumulative)).isCloseTo(0.25, within(1e-12));
        assertThat(PrometheusStatistics.quantile(0.99, cumulative)).isCloseTo(0.25 + 0.75 * 9 / 10, within(1e-12));
        assertThat(PrometheusStatistics.quantile(0.2, cumulative)).as("first bucket starts at 0").isCloseTo(0.01, within(1e-12));
        TreeMap<Double, Double> beyondLastBound = new TreeMap<>(Map.of(0.5, 1.0, Double.POSITIVE_INFINITY, 10.0));
        assertThat(PrometheusStatistics.quantile(0.9, beyondLastBound)).as("+Inf bucket: highest finite bound").isEqualTo(0.5);
        assertThat(PrometheusStatistics.quantile(0.5, new TreeMap<>(Map.of(Double.POSITIVE_INFINITY, 0.0)))).isNull();
    }

    @Test
    void aHistogramReportsOnlyTheObservationsMadeInTheWindow() {
        MetricFamily family = MetricFamily.empty("ttft_seconds", "histogram");
        // before the window: 10 slow observations; in it: 4 fast and 1 slow
        bucket(family, "0.1", 0, 0, 4);
        bucket(family, "1", 10, 10, 15);
        bucket(family, "+Inf", 10, 10, 15);
        family.add("ttft_seconds_sum", Map.of(), 0, 8.0);
        family.add("ttft_seconds_sum", Map.of(), 60_000, 8.0 + 0.2 + 0.9);
        family.add("ttft_seconds_count", Map.of(), 0, 10);
        family.add("ttft_seconds_count", Map.of(), 60_000, 15);

        List<MetricReport> reports = PrometheusStatistics.reports(SeriesSelector.parse("ttft_seconds"), family, 10_000, 50_000);

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.name()).isEqualTo("ttft_seconds");
            assertThat(report.unit()).isEqualTo("s");
            assertThat(report.statistics().keySet()).containsExactly("count", "mean", "p50", "p90", "p99");
            assertThat(report.statistics().get("count")).isEqualTo(5.0);
            assertThat(report.statistics().get("mean")).isCloseTo(1.1 / 5, within(1e-12));
            assertThat(report.statistics().get("p50")).isCloseTo(0.1 * 2.5 / 4, within(1e-12));
            assertThat(report.statistics().get("p90")).isCloseTo(0.1 + 0.9 * 0.5, within(1e-12));
        });
    }

    @Test
    void severalSeriesAreNamedByTheOneLabelThatTellsThemApart() {
        MetricFamily family = MetricFamily.empty("DCGM_FI_DEV_GPU_UTIL", "gauge");
        family.add("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "1", "UUID", "GPU-b", "device", "nvidia1", "modelName", "A10G"), 1_000, 20);
        family.add("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "0", "UUID", "GPU-a", "device", "nvidia0", "modelName", "A10G"), 1_000, 90);

        List<MetricReport> reports = PrometheusStatistics.reports(SeriesSelector.parse("DCGM_FI_DEV_GPU_UTIL"), family, 0, 2_000);

        assertThat(reports).extracting(MetricReport::name)
                .containsExactly("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}", "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\"}");
        assertThat(reports).extracting(MetricReport::unit).containsOnly("%");
        assertThat(reports.get(0).statistics()).containsEntry("avg", 90.0);
    }

    @Test
    void aMetricWithoutDataReportsNullsUnderTheUsersName() {
        List<MetricReport> reports = PrometheusStatistics.reports(SeriesSelector.parse("vllm:num_requests_waiting"),
                MetricFamily.empty("vllm:num_requests_waiting", "untyped"), 0, 1_000);

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.name()).isEqualTo("vllm:num_requests_waiting");
            assertThat(report.statistics()).containsOnlyKeys("avg", "min", "max", "last").containsValues((Double) null);
        });
    }

    private static void bucket(MetricFamily family, String le, double at0, double at20, double at60) {
        family.add("ttft_seconds_bucket", Map.of("le", le), 0, at0);
        family.add("ttft_seconds_bucket", Map.of("le", le), 20_000, at20);
        family.add("ttft_seconds_bucket", Map.of("le", le), 60_000, at60);
    }

    private static Point p(int seconds, double value) {
        return new Point(seconds * 1000L, value);
    }
}
