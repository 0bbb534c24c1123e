package io.inferencebench.bench;

import java.util.Arrays;

/**
 * How closely the starts of one run follow a uniform schedule of {@code rate} per second for
 * {@code seconds}, measured against the ideal schedule anchored at the first start: arrival k is due
 * at {@code t0 + k / rate}. Pure arithmetic on the recorded clock values, so it is tested without
 * clocks or threads.
 */
public final class StartStatistics {
    private static final double NANOS = 1e9;

    private final Samples samples;
    private final double rate;
    private final int seconds;

    /** Signed lateness against the ideal schedule, milliseconds (negative = early). */
    public record Lateness(double p50Ms, double p99Ms, double maxMs, double earliestMs, int count) {
    }

    public StartStatistics(Samples samples, double rate, int seconds) {
        if (!(rate > 0) || seconds < 1) {
            throw new IllegalArgumentException("rate and seconds must be positive");
        }
        this.samples = samples;
        this.rate = rate;
        this.seconds = seconds;
    }

    /** Starts the ideal schedule has in the window: rate x seconds. */
    public long due() {
        return Math.round(rate * seconds);
    }

    /** The first start, the anchor of the ideal schedule and of the window. */
    public long firstStart() {
        return samples.size() == 0 ? 0 : samples.start(0);
    }

    /** When ideal arrival k is due. */
    public long idealStart(long k) {
        return firstStart() + Math.round(k * NANOS / rate);
    }

    /** Starts in [t0, t0 + seconds). */
    public long startsInWindow() {
        return startsBetween(firstStart(), firstStart() + (long) (seconds * NANOS));
    }

    /** Starts in the window over the starts due in it (1.0 = exactly on rate). */
    public double achievedRatio() {
        return samples.size() == 0 ? 0 : (double) startsInWindow() / due();
    }

    /** Starts in [from, until), nanoTime values. */
    public long startsBetween(long from, long until) {
        return lowerBound(until) - lowerBound(from);
    }

    private int lowerBound(long t) {
        int lo = 0;
        int hi = samples.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (samples.start(mid) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Starts in each full second of the window: second i is [t0 + i, t0 + i + 1). */
    public long[] perSecondCounts() {
        long[] counts = new long[seconds];
        long t0 = firstStart();
        for (int i = 0; i < seconds && samples.size() > 0; i++) {
            counts[i] = startsBetween(t0 + (long) (i * NANOS), t0 + (long) ((i + 1) * NANOS));
        }
        return counts;
    }

    /** Coefficient of variation of the per-second counts: population standard deviation over mean. */
    public double perSecondCv() {
        return cv(perSecondCounts());
    }

    /** CV of the per-second counts from second {@code from} on (1: the cold first second left out). */
    public double perSecondCvFrom(int from) {
        long[] c = perSecondCounts();
        return c.length <= from ? 0 : cv(Arrays.copyOfRange(c, from, c.length));
    }

    /** Service time (end minus actual start) at quantile {@code q} (0-1), ms; NaN when none ended. */
    public double latencyPercentileMs(double q) {
        long[] service = new long[samples.size()];
        int n = 0;
        for (int i = 0; i < samples.size(); i++) {
            long end = samples.end(i);
            if (end != 0) {
                service[n++] = end - samples.start(i);
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(service, n);
        Arrays.sort(sorted);
        return percentile(sorted, q) / 1e6;
    }

    static double cv(long[] values) {
        double mean = Arrays.stream(values).average().orElse(0);
        if (mean == 0) {
            return Double.NaN;
        }
        double sq = 0;
        for (long v : values) {
            sq += (v - mean) * (v - mean);
        }
        return Math.sqrt(sq / values.length) / mean;
    }

    static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** Lowest, median and highest per-second count. */
    public double[] perSecondMinMedianMax() {
        long[] c = perSecondCounts();
        return new double[] {Arrays.stream(c).min().orElse(0), median(c), Arrays.stream(c).max().orElse(0)};
    }

    /**
     * Lateness of start k (k-th in time order) against ideal arrival k, for the starts the schedule
     * has (k below {@link #due()}): a mechanism that falls behind shows growing lateness, one that runs
     * ahead shows negative lateness.
     */
    public Lateness lateness() {
        int n = (int) Math.min(samples.size(), due());
        long[] late = new long[n];
        for (int k = 0; k < n; k++) {
            late[k] = samples.start(k) - idealStart(k);
        }
        Arrays.sort(late);
        if (n == 0) {
            return new Lateness(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new Lateness(ms(percentile(late, 0.50)), ms(percentile(late, 0.99)), ms(late[n - 1]), ms(late[0]), n);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Longest latency from the ideal start (end of sample k minus ideal arrival k), ms. */
    public double maxLatencyFromIdealMs() {
        long max = Long.MIN_VALUE;
        int n = (int) Math.min(samples.size(), due());
        for (int k = 0; k < n; k++) {
            if (samples.end(k) != 0) {
                max = Math.max(max, samples.end(k) - idealStart(k));
            }
        }
        return max == Long.MIN_VALUE ? Double.NaN : ms(max);
    }

    /** Longest service time (end minus actual start), ms. */
    public double maxServiceMs() {
        long max = Long.MIN_VALUE;
        for (int k = 0; k < samples.size(); k++) {
            if (samples.end(k) != 0) {
                max = Math.max(max, samples.end(k) - samples.start(k));
            }
        }
        return max == Long.MIN_VALUE ? Double.NaN : ms(max);
    }

    /** Longest latency from the timer's own intended start, ms (NaN when the timer records none). */
    public double maxLatencyFromIntendedMs() {
        long max = Long.MIN_VALUE;
        for (int k = 0; k < samples.size(); k++) {
            max = Math.max(max, samples.latencyFromIntended(k));
        }
        return max < 0 ? Double.NaN : ms(max);
    }

    /**
     * The longest pause between two consecutive sample ends, as {@code [from, until]} nanoTime values:
     * where the client saw the server stop answering.
     */
    public long[] longestCompletionGap() {
        long[] e = new long[samples.size()];
        int n = 0;
        for (int k = 0; k < samples.size(); k++) {
            if (samples.end(k) != 0) {
                e[n++] = samples.end(k);
            }
        }
        Arrays.sort(e, 0, n);
        long[] gap = {0, 0};
        for (int i = 1; i < n; i++) {
            if (e[i] - e[i - 1] > gap[1] - gap[0]) {
                gap[0] = e[i - 1];
                gap[1] = e[i];
            }
        }
        return gap;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
