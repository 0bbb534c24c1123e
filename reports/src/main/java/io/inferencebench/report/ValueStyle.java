package io.inferencebench.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** How a metric's numbers are shown: in bar labels, hover text and Excel cells. */
public enum ValueStyle {
    /** Whole counts: requests, tokens, threads. */
    COUNT("#,##0"),
    /** Measured quantities: milliseconds, rates, utilisation. */
    DECIMAL("#,##0.00"),
    /** A fraction stored as 0..1 (success rate), shown as a percentage. */
    PERCENT("0.0%"),
    /** 1 or 0 (passed, bottleneck detected), shown as yes or no. */
    YES_NO("@");

    private final String excelFormat;

    ValueStyle(String excelFormat) {
        this.excelFormat = excelFormat;
    }

    /** The Excel number format of a cell holding this value. */
    public String excelFormat() {
        return excelFormat;
    }

    /** The number drawn on a chart's value axis: percentages as 0..100 so the axis reads in %. */
    public double chartValue(double value) {
        return this == PERCENT ? value * 100.0 : value;
    }

    /** A short label for a value, with as many decimals as its magnitude deserves. */
    public String format(double value) {
        return format(value, value);
    }

    /**
     * A short label for a value shown among others: the decimals follow the largest of them, so
     * the bars of one panel read alike (9.40, 9.85, 9.93 rather than 9.4, 9.85, 9.93).
     *
     * @param largest the largest magnitude among the values shown together
     */
    public String format(double value, double largest) {
        return switch (this) {
            case COUNT -> pattern("#,##0").format(value);
            case PERCENT -> pattern("0.0").format(value * 100.0) + "%";
            case YES_NO -> value != 0 ? "yes" : "no";
            case DECIMAL -> {
                double magnitude = Math.abs(largest);
                String pattern = magnitude >= 10_000 ? "#,##0" : magnitude >= 100 ? "#,##0.0"
                        : magnitude >= 1 || magnitude == 0 ? "0.00" : "0.000";
                yield pattern(pattern).format(value);
            }
        };
    }

    /** The largest magnitude among values, nulls (not measured) ignored. */
    static double largest(Iterable<Double> values) {
        double largest = 0;
        for (Double value : values) {
            if (value != null && Math.abs(value) > largest) {
                largest = Math.abs(value);
            }
        }
        return largest;
    }

    private static DecimalFormat pattern(String pattern) {
        // Reports are read across teams: one fixed locale keeps "1,234.5" the same everywhere.
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
    }
}
