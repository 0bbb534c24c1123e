package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.Histogram;

/** Summary statistics of one distribution, as written in {@code summary.json}; {@code null} = not measured. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Stats(Long count, Double sum, Double mean, Double min, Double p50, Double p90, Double p99, Double max) {

    /** From a histogram of microseconds, in milliseconds. */
    public static Stats ofMicros(Histogram h) {
        if (h.getTotalCount() == 0) {
            return null;
        }
        return new Stats(h.getTotalCount(), null, ms(h.getMean()), ms(h.getMinValue()),
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()));
    }

    /** From a histogram of plain values (tokens, bytes, ms), with their exact sum. */
    public static Stats ofValues(DoubleHistogram h, double sum) {
        if (h.getTotalCount() == 0) {
            return null;
        }
        // lowest equivalent values: a value recorded exactly (a status 200, 64 tokens) reads back exactly
        return new Stats(h.getTotalCount(), round(sum), round(h.getMean()), round(h.lowestEquivalentValue(h.getMinValue())),
                round(h.lowestEquivalentValue(h.getValueAtPercentile(50))),
                round(h.lowestEquivalentValue(h.getValueAtPercentile(90))),
                round(h.lowestEquivalentValue(h.getValueAtPercentile(99))),
                round(h.lowestEquivalentValue(h.getMaxValue())));
    }

    private static Double ms(double micros) {
        return round(micros / 1000.0);
    }

    public static Double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
