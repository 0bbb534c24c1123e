package io.inferencebench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric of one run, as read from its {@code summary.json}.
 *
 * @param source     where it was measured
 * @param id         stable key shared by the same metric across runs (e.g. {@code latency},
 *                   {@code aiperf:time_to_first_token}, {@code server:cloudwatch/CPUUtilization})
 * @param name       what a user calls it, without the unit (e.g. {@code Server RPS})
 * @param unit       unit of its values, empty when it has none
 * @param group      server-metric stream ({@code cloudwatch}, {@code prometheus}); null elsewhere
 * @param kind       how its statistics become chart panels
 * @param style      how its numbers are shown
 * @param plotted    whether it gets a chart panel; every metric is listed on its source's sheet
 * @param aliases    further names {@code --plot-fields} may use for it (the original tool's names)
 * @param statistics statistic name to value, in reading order; a single value is under {@link #VALUE}
 */
public record Metric(Source source, String id, String name, String unit, String group, Kind kind,
                     ValueStyle style, boolean plotted, List<String> aliases,
                     Map<String, Double> statistics) {

    /** The statistic name of a metric that is a single number. */
    public static final String VALUE = "value";

    /** How a metric's statistics become panels. */
    public enum Kind {
        /** One number, one panel. */
        SINGLE,
        /** A per-request distribution (mean, p50, ...): one panel, statistic chosen in the report. */
        DISTRIBUTION,
        /** Named aggregates of a time series (Average, Maximum): one panel per statistic. */
        STATISTICS
    }

    public Metric {
        aliases = List.copyOf(aliases);
        statistics = Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
    }

    /** The name with its unit, as headers and axis titles show it: {@code Latency (ms)}. */
    public String label() {
        return withUnit(name, unit);
    }

    static String withUnit(String name, String unit) {
        return unit == null || unit.isEmpty() ? name : name + " (" + unit + ")";
    }
}
