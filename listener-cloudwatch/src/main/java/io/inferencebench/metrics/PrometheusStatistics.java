package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.metrics.MetricFamily.Point;
import io.inferencebench.outcome.ServerMetricsReport.MetricReport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a metric family did during the wave window: counters give their increase and rate, gauges
 * their average, minimum, maximum and last value, histograms the p50/p90/p99 and mean of the
 * observations made in the window (quantiles interpolated within buckets, as PromQL's
 * {@code histogram_quantile} does).
 */
final class PrometheusStatistics {

    static final List<String> COUNTER = List.of("delta", "rate");
    static final List<String> GAUGE = List.of("avg", "min", "max", "last");
    static final List<String> HISTOGRAM = List.of("count", "mean", "p50", "p90", "p99");
    private static final Map<String, String> DCGM_UNITS = Map.of(
            "DCGM_FI_DEV_GPU_UTIL", "%", "DCGM_FI_DEV_MEM_COPY_UTIL", "%",
            "DCGM_FI_DEV_FB_USED", "MiB", "DCGM_FI_DEV_FB_FREE", "MiB",
            "DCGM_FI_DEV_POWER_USAGE", "W", "DCGM_FI_DEV_GPU_TEMP", "C");

    private PrometheusStatistics() {
    }

    /**
     * One report per selected series (one for a histogram's label set); a single series is named as
     * the user wrote it, several by the labels that tell them apart. A family without data gives one
     * report of nulls.
     */
    static List<MetricReport> reports(SeriesSelector selector, MetricFamily family, long start, long end) {
        String kind = kind(family);
        Map<Map<String, String>, Map<String, Double>> bySeries = new LinkedHashMap<>();
        switch (kind) {
            case "counter" -> {
                Map<Map<String, String>, List<Point>> series = family.of(family.name() + "_total").isEmpty()
                        ? family.of(family.name()) : family.of(family.name() + "_total");
                sorted(series).forEach((labels, points) -> bySeries.put(labels, counter(points, start, end)));
            }
            case "histogram" -> {
                Map<Map<String, String>, Map<Double, List<Point>>> buckets = new HashMap<>();
                family.of(family.name() + "_bucket").forEach((labels, points) -> {
                    Map<String, String> rest = new TreeMap<>(labels);
                    String le = rest.remove("le");
                    if (le != null) {
                        buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(PrometheusText.value(le), points);
                    }
                });
                Map<Map<String, String>, List<Point>> sums = normalised(family.of(family.name() + "_sum"));
                Map<Map<String, String>, List<Point>> counts = normalised(family.of(family.name() + "_count"));
                sorted(buckets).forEach((labels, byBound) -> bySeries.put(labels,
                        histogram(byBound, sums.getOrDefault(labels, List.of()), counts.getOrDefault(labels, List.of()), start, end)));
            }
            default -> sorted(family.of(family.name())).forEach((labels, points) -> bySeries.put(labels, gauge(points, start, end)));
        }
        String unit = unit(family.name());
        if (bySeries.isEmpty()) {
            Map<String, Double> nulls = new LinkedHashMap<>();
            statisticsOf(kind).forEach(s -> nulls.put(s, null));
            return List.of(new MetricReport(selector.text(), unit, nulls));
        }
        Set<String> distinguishing = distinguishingLabels(bySeries.keySet());
        List<MetricReport> reports = new ArrayList<>();
        bySeries.forEach((labels, statistics) -> reports.add(new MetricReport(
                bySeries.size() == 1 ? selector.text() : family.name() + labelText(labels, distinguishing), unit, statistics)));
        return reports;
    }

    static String kind(MetricFamily family) {
        return switch (family.type()) {
            case "counter", "histogram" -> family.type();
            case "gauge" -> "gauge";
            default -> family.name().endsWith("_total") ? "counter" : "gauge";
        };
    }

    static List<String> statisticsOf(String kind) {
        return switch (kind) {
            case "counter" -> COUNTER;
            case "histogram" -> HISTOGRAM;
            default -> GAUGE;
        };
    }

    static Map<String, Double> counter(List<Point> points, long start, long end) {
        Map<String, Double> statistics = new LinkedHashMap<>();
        List<Point> bracket = bracket(points, start, end);
        if (bracket.size() < 2) {
            statistics.put("delta", null);
            statistics.put("rate", null);
            return statistics;
        }
        double delta = increase(bracket);
        double seconds = (bracket.get(bracket.size() - 1).epochMs() - bracket.get(0).epochMs()) / 1000.0;
        statistics.put("delta", delta);
        statistics.put("rate", seconds > 0 ? delta / seconds : null);
        return statistics;
    }

    static Map<String, Double> gauge(List<Point> points, long start, long end) {
        List<Point> inside = points.stream().filter(p -> p.epochMs() >= start && p.epochMs() <= end)
                .filter(p -> !Double.isNaN(p.value())).toList();
        if (inside.isEmpty()) {
            inside = bracket(points, start, end).stream().filter(p -> !Double.isNaN(p.value())).toList();
        }
        Map<String, Double> statistics = new LinkedHashMap<>();
        if (inside.isEmpty()) {
            GAUGE.forEach(s -> statistics.put(s, null));
            return statistics;
        }
        statistics.put("avg", inside.stream().mapToDouble(Point::value).average().orElseThrow());
        statistics.put("min", inside.stream().mapToDouble(Point::value).min().orElseThrow());
        statistics.put("max", inside.stream().mapToDouble(Point::value).max().orElseThrow());
        statistics.put("last", inside.get(inside.size() - 1).value());
        return statistics;
    }

    static Map<String, Double> histogram(Map<Double, List<Point>> buckets, List<Point> sum, List<Point> count,
                                         long start, long end) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        buckets.forEach((bound, points) -> {
            List<Point> bracket = bracket(points, start, end);
            cumulative.put(bound, bracket.size() < 2 ? 0.0 : increase(bracket));
        });
        List<Point> countBracket = bracket(count, start, end);
        List<Point> sumBracket = bracket(sum, start, end);
        double observations = countBracket.size() >= 2 ? increase(countBracket)
                : cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        Double total = sumBracket.size() >= 2 ? increase(sumBracket) : null;
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("count", observations);
        statistics.put("mean", observations > 0 && total != null ? total / observations : null);
        statistics.put("p50", quantile(0.50, cumulative));
        statistics.put("p90", quantile(0.90, cumulative));
        statistics.put("p99", quantile(0.99, cumulative));
        return statistics;
    }

    /**
     * The q-quantile of cumulative bucket counts keyed by upper bound, interpolated linearly within
     * the bucket as PromQL's {@code histogram_quantile}; {@code null} when the buckets are empty.
     */
    static Double quantile(double q, TreeMap<Double, Double> cumulative) {
        if (cumulative.isEmpty() || cumulative.lastKey() != Double.POSITIVE_INFINITY) {
            return null;
        }
        List<Double> bounds = new ArrayList<>(cumulative.keySet());
        double[] counts = new double[bounds.size()];
        double running = 0;
        for (int i = 0; i < counts.length; i++) {
            // Buckets scraped a moment apart can disagree slightly; cumulative counts never fall.
            running = Math.max(running, cumulative.get(bounds.get(i)));
            counts[i] = running;
        }
        double total = counts[counts.length - 1];
        if (total <= 0) {
            return null;
        }
        double rank = q * total;
        int k = 0;
        while (k < counts.length - 1 && counts[k] < rank) {
            k++;
        }
        if (k == counts.length - 1) {
            return counts.length >= 2 ? bounds.get(counts.length - 2) : null;
        }
        double upper = bounds.get(k);
        if (k == 0 && upper <= 0) {
            return upper;
        }
        double lower = k == 0 ? 0 : bounds.get(k - 1);
        double below = k == 0 ? 0 : counts[k - 1];
        double inBucket = counts[k] - below;
        return inBucket <= 0 ? upper : lower + (upper - lower) * (rank - below) / inBucket;
    }

    /** The points from the last at or before the window's start to the first at or after its end. */
    static List<Point> bracket(List<Point> points, long start, long end) {
        List<Point> sorted = points.stream().sorted(Comparator.comparingLong(Point::epochMs)).toList();
        if (sorted.isEmpty()) {
            return sorted;
        }
        int from = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).epochMs() <= start) {
                from = i;
            }
        }
        int to = sorted.size() - 1;
        for (int i = sorted.size() - 1; i >= 0; i--) {
            if (sorted.get(i).epochMs() >= end) {
                to = i;
            }
        }
        return to < from ? List.of() : sorted.subList(from, to + 1);
    }

    /** Counter increase across points, counting through resets as Prometheus does. */
    static double increase(List<Point> points) {
        double total = 0;
        for (int i = 1; i < points.size(); i++) {
            double previous = points.get(i - 1).value();
            double current = points.get(i).value();
            total += current >= previous ? current - previous : current;
        }
        return total;
    }

    static String unit(String family) {
        String dcgm = DCGM_UNITS.get(family);
        if (dcgm != null) {
            return dcgm;
        }
        if (family.endsWith("_seconds") || family.endsWith("_seconds_total")) {
            return "s";
        }
        if (family.endsWith("_bytes") || family.endsWith("_bytes_total")) {
            return "B";
        }
        return null;
    }

    private static Map<Map<String, String>, List<Point>> normalised(Map<Map<String, String>, List<Point>> series) {
        Map<Map<String, String>, List<Point>> result = new HashMap<>();
        series.forEach((labels, points) -> result.put(new TreeMap<>(labels), points));
        return result;
    }

    private static <V> Map<Map<String, String>, V> sorted(Map<Map<String, String>, V> bySeries) {
        Map<Map<String, String>, V> result = new LinkedHashMap<>();
        bySeries.entrySet().stream()
                .sorted(Comparator.comparing(e -> new TreeMap<>(e.getKey()).toString()))
                .forEach(e -> result.put(e.getKey(), e.getValue()));
        return result;
    }

    /**
     * The labels that tell the series apart: one label when one suffices (DCGM's {@code gpu} rather
     * than {@code gpu}, {@code UUID} and {@code device}), otherwise every label that varies.
     */
    private static Set<String> distinguishingLabels(Set<Map<String, String>> labelSets) {
        Set<String> varying = new TreeSet<>();
        labelSets.forEach(labels -> varying.addAll(labels.keySet()));
        varying.removeIf(name -> labelSets.stream().map(labels -> labels.getOrDefault(name, "")).distinct().count() <= 1);
        List<String> candidates = new ArrayList<>();
        for (String preferred : List.of("gpu", "model_name", "engine")) {
            if (varying.contains(preferred)) {
                candidates.add(preferred);
            }
        }
        candidates.addAll(varying);
        for (String name : candidates) {
            if (labelSets.stream().map(labels -> labels.getOrDefault(name, "")).distinct().count() == labelSets.size()) {
                return Set.of(name);
            }
        }
        return varying;
    }

    private static String labelText(Map<String, String> labels, Set<String> names) {
        StringBuilder text = new StringBuilder("{");
        for (String name : names) {
            text.append(text.length() > 1 ? "," : "").append(name).append("=\"").append(labels.getOrDefault(name, "")).append('"');
        }
        return text.append('}').toString();
    }
}
