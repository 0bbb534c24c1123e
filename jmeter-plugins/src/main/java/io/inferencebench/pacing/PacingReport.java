package io.inferencebench.pacing;

import org.HdrHistogram.Histogram;

/**
 * What the pacing did during a wave, on one engine: how many starts were released, late or dropped,
 * how late they were, and how far the thread pool had to grow.
 *
 * @param lateness    start lateness in nanoseconds (a copy; safe to read)
 * @param threads     threads in the pool at the end
 * @param peakThreads the most threads the pool had
 * @param cpuLimited  the pool stopped growing because the CPU was saturated (the client was the limit)
 * @param windowS     the timer's duration bound, seconds (0 when only a count or the profile bounds it)
 * @param threadKind  {@code virtual} or {@code platform}: what the pool ran JMeter threads on
 * @param platformFirst on a virtual pool, how many of its threads ran on platform threads before it started virtual
 *                    ones ({@link PoolThreads#PLATFORM_FIRST} unless set); 0 on a platform pool
 */
public record PacingReport(
        long started,
        long lateStarts,
        long droppedStarts,
        long lateWhileCapped,
        Histogram lateness,
        int threads,
        int maxThreads,
        boolean capReached,
        long firstStartEpochMs,
        long lastStartEpochMs,
        double targetRps,
        int peakThreads,
        boolean cpuLimited,
        double windowS,
        String threadKind,
        int platformFirst) {

    public static final long LATE_NANOS = 1_000_000L;

    /** Reports of several timers (or engines) as one. */
    public static PacingReport combine(Iterable<PacingReport> reports) {
        long started = 0, late = 0, dropped = 0, capped = 0;
        Histogram lateness = new Histogram(3);
        int threads = 0, max = 0;
        boolean cap = false, cpu = false;
        int peak = 0;
        double window = 0;
        String kind = null;
        int platformFirst = 0;
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        double rps = 0;
        int n = 0;
        for (PacingReport r : reports) {
            n++;
            started += r.started;
            late += r.lateStarts;
            dropped += r.droppedStarts;
            capped += r.lateWhileCapped;
            lateness.add(r.lateness);
            threads += r.threads;
            max += r.maxThreads;
            cap |= r.capReached;
            cpu |= r.cpuLimited;
            peak += r.peakThreads;
            window = Math.max(window, r.windowS);
            // one word for the run: platform if any engine's pool was
            kind = kind == null || "platform".equals(r.threadKind) ? r.threadKind : kind;
            platformFirst = Math.max(platformFirst, r.platformFirst);
            if (r.started > 0) {
                first = Math.min(first, r.firstStartEpochMs);
                last = Math.max(last, r.lastStartEpochMs);
            }
            rps += r.targetRps;
        }
        if (n == 0) {
            return null;
        }
        return new PacingReport(started, late, dropped, capped, lateness, threads, max, cap,
                first == Long.MAX_VALUE ? 0 : first, last == Long.MIN_VALUE ? 0 : last, rps, peak, cpu, window, kind,
                "platform".equals(kind) ? 0 : platformFirst);
    }
}
