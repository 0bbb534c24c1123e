package io.inferencebench.wave;

import java.util.Locale;

/**
 * One line of live progress, from counters the wave keeps anyway (nothing per request):
 * {@code 12s / 20s | started 600 (50.0/s of 50) | in flight 3 | ok 597 | failed 0 | p50 51 ms p99 55 ms | late 2 dropped 0}.
 *
 * @param started   requests started, or -1 when this JVM does not pace them (a distributed run's controller)
 * @param plannedS  the schedule's length, or {@code null} when only a request count bounds it
 * @param targetRps the target rate, or {@code null}
 */
public record ProgressLine(double elapsedS, Double plannedS, long started, Double targetRps, long completed,
                           long failed, Double p50, Double p99, long late, long dropped, boolean stopping) {

    /** The figures of a running wave now. */
    public static ProgressLine of(WaveStatistics s, long started, double elapsedS, Double plannedS, Double targetRps,
                                  boolean stopping) {
        return new ProgressLine(elapsedS, plannedS, started, targetRps, s.completed(), s.failed(),
                s.latencyPercentile(50), s.latencyPercentile(99), s.lateStarts(), s.droppedStarts(), stopping);
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%5.0fs", elapsedS));
        if (plannedS != null) {
            b.append(String.format(Locale.ROOT, " / %.0fs", plannedS));
        }
        if (started >= 0) {
            b.append(String.format(Locale.ROOT, " | started %d (%.1f/s", started, elapsedS > 0 ? started / elapsedS : 0));
            if (targetRps != null) {
                b.append(" of ").append(rate(targetRps));
            }
            b.append(String.format(Locale.ROOT, ") | in flight %d", Math.max(0, started - completed)));
        }
        b.append(String.format(Locale.ROOT, " | ok %d | failed %d", completed - failed, failed));
        if (p50 != null) {
            b.append(String.format(Locale.ROOT, " | p50 %.0f ms p99 %.0f ms", p50, p99));
        }
        b.append(String.format(Locale.ROOT, " | late %d dropped %d", late, dropped));
        if (stopping) {
            b.append(" | stopping");
        }
        return b.toString();
    }

    private static String rate(double r) {
        return r == Math.rint(r) ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.2f", r);
    }
}
