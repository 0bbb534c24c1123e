package io.inferencebench.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of one Prometheus metric family over a wave: for each sample name ({@code x},
 * {@code x_total}, {@code x_bucket}, {@code x_sum}, {@code x_count}) the time series of each label set.
 * Filled by scraping or by the query API; read by {@link PrometheusStatistics}.
 *
 * @param type {@code counter}, {@code gauge}, {@code histogram}, or what the server declared
 */
record MetricFamily(String name, String type, Map<String, Map<Map<String, String>, List<Point>>> series) {

    /** A value at a time (epoch milliseconds). */
    record Point(long epochMs, double value) {
    }

    static MetricFamily empty(String name, String type) {
        return new MetricFamily(name, type, new HashMap<>());
    }

    void add(String sampleName, Map<String, String> labels, long epochMs, double value) {
        series.computeIfAbsent(sampleName, k -> new HashMap<>())
                .computeIfAbsent(labels, k -> new ArrayList<>())
                .add(new Point(epochMs, value));
    }

    Map<Map<String, String>, List<Point>> of(String sampleName) {
        return series.getOrDefault(sampleName, Map.of());
    }

    boolean hasData() {
        return series.values().stream().anyMatch(bySeries -> !bySeries.isEmpty());
    }
}
