package io.inferencebench.aiperf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether the server is back at its pre-wave level: every figure of the baseline at most
 * {@code tolerance} above it, relative to the baseline, or to 1 for a figure near zero (so an empty
 * queue need not be exactly empty again, only nearly). The figures are
 * load (utilisation, requests running or queued, cache in use): below the baseline is calmer still, so
 * it counts as back. A figure missing now is not back. Clock-free: the pause asks, the pause waits.
 */
public record Settling(Map<String, Double> baseline, double tolerance) {

    /** The figures not back yet, each with its value and baseline; empty when settled. */
    public List<String> away(Map<String, Double> now) {
        List<String> away = new ArrayList<>();
        baseline.forEach((name, base) -> {
            Double v = now.get(name);
            if (v == null || v - base > tolerance * Math.max(Math.abs(base), 1.0)) {
                away.add(String.format(Locale.ROOT, "%s %s (baseline %s)", name, v == null ? "N/A" : number(v),
                        number(base)));
            }
        });
        return away;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
