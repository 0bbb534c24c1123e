package io.inferencebench.wave;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentDoubleHistogram;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.DoubleHistogram;
import org.HdrHistogram.Histogram;
import org.apache.jmeter.samplers.SampleResult;

import io.inferencebench.outcome.ClientRate;
import io.inferencebench.outcome.Stats;
import io.inferencebench.outcome.TokenMetrics;
import io.inferencebench.outcome.WarmUp;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.pacing.PacingReport;

/**
 * Everything a wave's samples say, accumulated as they arrive: counts, service latency, latency from
 * the intended start, start lateness, client queueing, the optional measurements an invoke reports,
 * and error messages. Memory does not grow with the number of samples. Thread-safe.
 */
public final class WaveStatistics {
    private static final int MAX_DISTINCT_ERRORS = 200;
    /** Measurements beyond the per-sample columns, in the order they are summarised. */
    static final List<String> MEASUREMENTS = List.of(
            SampleFields.STATUS, SampleFields.RESPONSE_BYTES, SampleFields.INPUT_TOKENS,
            SampleFields.OUTPUT_TOKENS, SampleFields.TTFT_MS);

    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder lateStarts = new LongAdder();
    private final LongAdder droppedStarts = new LongAdder();
    private final Histogram latency = new ConcurrentHistogram(3);
    private final Histogram fromIntended = new ConcurrentHistogram(3);
    private final Histogram lateness = new ConcurrentHistogram(3);
    private final Histogram queue = new ConcurrentHistogram(3);
    private final Map<String, DoubleHistogram> measurements = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> measurementSums = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final TokenStatistics tokens = new TokenStatistics();
    private final StartsPerSecond startsPerSecond = new StartsPerSecond();
    /** Those among them more than ClientRate.LATE_MS late, in the same seconds: when in the wave the client fell behind. */
    private final StartsPerSecond lateStartsPerSecond = new StartsPerSecond();
    private final AtomicLong firstStartMs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstIntendedMicros = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastStartMs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastEndMs = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder warmUpStarted = new LongAdder();
    private final AtomicLong warmUpStartMs = new AtomicLong(Long.MAX_VALUE);
    /** Why requests still in flight were cut off (a second Ctrl-C, the grace period), and when. */
    private volatile String cutOffCause;
    private volatile long cutOffEpochMs = Long.MAX_VALUE;

    /**
     * From now on, a request that fails was cut off for {@code cause}: its sample says so instead of
     * the transport's words ("Socket closed" reads as the server's doing), and a start whose sample
     * never arrives is counted as failed with the same cause.
     */
    public void cutOff(String cause) {
        cutOffCause = cause;
        cutOffEpochMs = System.currentTimeMillis();
    }

    /**
     * Records one sample.
     *
     * @param fields the sample's {@link SampleFields} values by name (absent or empty: not measured)
     */
    public void record(SampleResult r, java.util.function.Function<String, String> fields) {
        if ("1".equals(fields.apply(SampleFields.WARM_UP))) {
            // the wave's warm-up (ib.warmup): in the JTL and its own section, not in the figures
            warmUpStarted.increment();
            double intended = number(fields.apply(SampleFields.INTENDED_START_MS));
            warmUpStartMs.accumulateAndGet(Double.isNaN(intended) ? r.getStartTime()
                    : Math.min(r.getStartTime(), (long) Math.floor(intended)), Math::min);
            return;
        }
        completed.increment();
        long elapsedMicros = r.getTime() * 1000L;
        latency.recordValue(Math.max(0, elapsedMicros));
        if (!r.isSuccessful()) {
            failed.increment();
            String message = r.getEndTime() >= cutOffEpochMs && cutOffCause != null ? cutOffCause : errorMessage(r);
            LongAdder count = errors.get(message);
            if (count == null && errors.size() < MAX_DISTINCT_ERRORS) {
                count = errors.computeIfAbsent(message, k -> new LongAdder());
            } else if (count == null) {
                count = errors.computeIfAbsent("(other errors)", k -> new LongAdder());
            }
            count.increment();
        }
        firstStartMs.accumulateAndGet(r.getStartTime(), Math::min);
        lastStartMs.accumulateAndGet(r.getStartTime(), Math::max);
        lastEndMs.accumulateAndGet(r.getEndTime(), Math::max);

        double intended = number(fields.apply(SampleFields.INTENDED_START_MS));
        if (!Double.isNaN(intended)) {
            firstIntendedMicros.accumulateAndGet(Math.round(intended * 1000), Math::min);
        }
        long origin = startsPerSecond.aligned() ? 0 : io.inferencebench.pacing.Pacer.originEpochMs();
        long originHint = origin != 0 ? origin : Double.isNaN(intended) ? r.getStartTime() : (long) Math.floor(intended);
        startsPerSecond.record(r.getStartTime(), originHint);
        double lateMs = number(fields.apply(SampleFields.LATENESS_MS));
        if (!Double.isNaN(lateMs)) {
            long lateMicros = Math.max(0, Math.round(lateMs * 1000));
            lateness.recordValue(lateMicros);
            if (lateMicros * 1000L > PacingReport.LATE_NANOS) {
                lateStarts.increment();
            }
            if (lateMicros > ClientRate.LATE_MS * 1000L) {
                // aligned as the starts are: the first start of the wave fixes both
                lateStartsPerSecond.record(r.getStartTime(), startsPerSecond.baseOriginMs());
            }
            fromIntended.recordValue(lateMicros + Math.max(0, elapsedMicros));
        } else {
            fromIntended.recordValue(Math.max(0, elapsedMicros));
        }
        double dropped = number(fields.apply(SampleFields.DROPPED));
        if (dropped > 0) {
            droppedStarts.add((long) dropped);
        }
        double queueMs = number(fields.apply(SampleFields.QUEUE_MS));
        if (!Double.isNaN(queueMs)) {
            queue.recordValue(Math.max(0, Math.round(queueMs * 1000)));
        }
        for (String key : MEASUREMENTS) {
            double v = number(fields.apply(key));
            if (!Double.isNaN(v) && v >= 0) {
                measurements.computeIfAbsent(key, k -> new ConcurrentDoubleHistogram(3)).recordValue(v);
                measurementSums.computeIfAbsent(key, k -> new DoubleAdder()).add(v);
            }
        }
        if (r.isSuccessful()) {
            tokens.record(fields);
        }
    }

    static String errorMessage(SampleResult r) {
        String code = r.getResponseCode();
        String msg = r.getResponseMessage();
        if (code == null || code.isEmpty()) {
            return msg == null || msg.isEmpty() ? "failed" : msg;
        }
        return msg == null || msg.isEmpty() ? code : code + "/" + msg;
    }

    static double number(String s) {
        if (s == null || s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public long completed() {
        return completed.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long succeeded() {
        return completed() - failed();
    }

    /** Samples that started more than 1 ms after their intended start (as the pacer counts them). */
    public long lateStarts() {
        return lateStarts.sum();
    }

    /** Starts the late policy dropped, as reported with the samples (see {@link SampleFields#DROPPED}). */
    public long droppedStarts() {
        return droppedStarts.sum();
    }

    /** Start of the wave: the first intended start, or the first sample's start when unpaced. */
    public long waveStartEpochMs() {
        long intended = firstIntendedMicros.get();
        long first = firstStartMs.get();
        if (intended != Long.MAX_VALUE) {
            return Math.min(intended / 1000L, first);
        }
        return first == Long.MAX_VALUE ? 0 : first;
    }

    public long lastStartEpochMs() {
        return lastStartMs.get() == Long.MIN_VALUE ? 0 : lastStartMs.get();
    }

    public long lastEndEpochMs() {
        return lastEndMs.get() == Long.MIN_VALUE ? 0 : lastEndMs.get();
    }

    /** A latency percentile so far, in ms, or {@code null} before the first sample (read live, once a second). */
    public Double latencyPercentile(double percentile) {
        return latency.getTotalCount() == 0 ? null : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    public Stats latency() {
        return Stats.ofMicros(latency);
    }

    public Stats latencyFromIntended() {
        return Stats.ofMicros(fromIntended);
    }

    public Stats lateness() {
        return Stats.ofMicros(lateness);
    }

    public Stats queue() {
        return Stats.ofMicros(queue);
    }

    /** Summaries of the measurements invokes reported, keyed without the {@code ib_} prefix. */
    public Map<String, Stats> measurements() {
        Map<String, Stats> out = new LinkedHashMap<>();
        for (String key : MEASUREMENTS) {
            DoubleHistogram h = measurements.get(key);
            if (h != null) {
                out.put(key.substring(3), Stats.ofValues(h, measurementSums.get(key).sum()));
            }
        }
        return out;
    }

    /** Error messages and their counts, most frequent first. */
    public List<WaveOutcome.ErrorCount> errors(int limit) {
        List<Map.Entry<String, LongAdder>> entries = new ArrayList<>(errors.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed());
        List<WaveOutcome.ErrorCount> out = new ArrayList<>();
        for (Map.Entry<String, LongAdder> e : entries.subList(0, Math.min(limit, entries.size()))) {
            out.add(new WaveOutcome.ErrorCount(e.getKey(), e.getValue().sum()));
        }
        return out;
    }

    /**
     * The outcome of the wave these statistics saw.
     *
     * @param pacing what this JVM's pacers did, or {@code null} when they ran elsewhere (a distributed
     *               run's controller: the samples then carry the late and dropped counts)
     * @param setup  what the wave was asked to do; its target rate, when {@code null}, comes from the pacing
     */
    public WaveOutcome outcome(PacingReport pacing, WaveSetup setup) {
        long completed = completed();
        long failed = failed();
        // every start is a sample (an interrupted one is a failed sample), so fired counts samples;
        // the pacer's own count covers starts whose sample never reached the listener: those failed
        long fired = pacing == null ? completed : Math.max(completed, pacing.started());
        List<WaveOutcome.ErrorCount> errors = errors(20);
        if (fired > completed) {
            long lost = fired - completed;
            failed += lost;
            completed = fired;
            errors = new ArrayList<>(errors);
            errors.add(new WaveOutcome.ErrorCount((cutOffCause == null ? "no response recorded" : cutOffCause)
                    + " (no sample)", lost));
        }
        long start = pacing != null && pacing.started() > 0
                ? Math.min(pacing.firstStartEpochMs(), waveStartEpochMs()) : waveStartEpochMs();
        long end = Math.max(lastEndEpochMs(), start);
        double duration = (end - start) / 1000.0;
        double startSpan = (lastStartEpochMs() - start) / 1000.0;
        double clientRps = fired > 1 && startSpan > 0 ? (fired - 1) / startSpan : 0;
        ClientRate rate = clientRate(setup, pacing, start, fired);
        if (rate != null) {
            // the starts inside the planned window over the window: a late catch-up cannot read as 100%
            clientRps = rate.startsInWindow() / rate.windowS();
        }
        double successRate = completed == 0 ? 0 : (double) (completed - failed) / completed;
        if (setup.targetRps() == null && pacing != null) {
            setup = setup.withTargetRps(pacing.targetRps());
        }
        WaveOutcome.Threads threads = pacing == null ? null : new WaveOutcome.Threads(pacing.threads(),
                pacing.maxThreads(), pacing.capReached(), pacing.lateWhileCapped(), pacing.peakThreads(),
                pacing.cpuLimited(), pacing.threadKind(),
                "virtual".equals(pacing.threadKind()) ? Integer.valueOf(pacing.platformFirst()) : null);
        WaveOutcome outcome = new WaveOutcome(WaveOutcome.SCHEMA_VERSION, WaveOutcome.TOOL, version(), null, setup, fired, completed,
                completed - failed, failed, Stats.round(duration), Stats.round(clientRps),
                Stats.round(duration > 0 ? completed / duration : 0), Math.round(successRate * 100000.0) / 100000.0,
                completed > 0 && successRate >= setup.successThreshold(), start, end, latency(), latencyFromIntended(),
                pacing == null ? lateStarts() : pacing.lateStarts(),
                pacing == null ? droppedStarts() : pacing.droppedStarts(), lateness(), threads, queue(),
                measurements(), errors, null, WaveOutcome.Verdict.NOT_JUDGED, false, null, null);
        // aiperf's duration for token throughput: first request start to last response end
        long firstStart = firstStartMs.get();
        TokenMetrics tokenMetrics = tokens.summary(firstStart == Long.MAX_VALUE ? 0 : (end - firstStart) / 1000.0);
        if (rate != null) {
            outcome = outcome.withSection(ClientRate.SECTION, rate);
        }
        if (warmUpStarted.sum() > 0) {
            outcome = outcome.withSection(WarmUp.SECTION, new WarmUp(warmUpStarted.sum(), warmUpStartMs.get()));
        }
        return tokenMetrics == null ? outcome : outcome.withSection(TokenMetrics.SECTION, tokenMetrics);
    }

    /**
     * The rate inside the planned window, from the first intended start: the wave's duration bound, else its
     * request count at the target rate, else its load profile's length, else the timer's duration; {@code null}
     * when nothing bounds it in time (the rate is then taken over the span of the starts).
     */
    private ClientRate clientRate(WaveSetup setup, PacingReport pacing, long startMs, long fired) {
        Double window = setup.obsTimeS();
        if (setup.numRequests() != null && setup.targetRps() != null && setup.targetRps() > 0
                && setup.loadProfile() == null) {
            double byCount = setup.numRequests() / setup.targetRps();
            window = window == null ? byCount : Math.min(window, byCount);
        }
        if (window == null && setup.loadProfile() != null) {
            try {
                java.math.BigDecimal seconds = io.inferencebench.pacing.LoadProfile.parse(setup.loadProfile()).seconds();
                window = seconds == null ? null : seconds.doubleValue();
            } catch (RuntimeException e) {
                window = null; // a profile the wave already accepted; nothing to add here
            }
        }
        if (window == null && pacing != null && pacing.windowS() > 0) {
            window = pacing.windowS();
        }
        if (window == null || window <= 0 || fired == 0) {
            return null;
        }
        long originMs = firstIntendedMicros.get() == Long.MAX_VALUE ? startMs : firstIntendedMicros.get() / 1000L;
        long endMs = originMs + Math.round(window * 1000);
        long after = 0;
        for (long n : startsPerSecond.wholeSecondsBetween(endMs, lastStartEpochMs() + 1000)) {
            after += n;
        }
        long[] seconds = startsPerSecond.wholeSecondsBetween(originMs, endMs);
        Long min = null;
        Long max = null;
        for (long n : seconds) {
            min = min == null ? n : Math.min(min, n);
            max = max == null ? n : Math.max(max, n);
        }
        Long late = null;
        Long early = null;
        if (lateness.getTotalCount() > 0) { // a paced wave: its samples carry their lateness
            long[] lateSeconds = lateStartsPerSecond.wholeSecondsBetween(originMs, endMs);
            late = 0L;
            early = 0L;
            for (int i = 0; i < lateSeconds.length; i++) {
                late += lateSeconds[i];
                early += i < ClientRate.EARLY_SECONDS ? lateSeconds[i] : 0;
            }
        }
        return new ClientRate(window, Math.max(0, fired - after), after, min, max, seconds.length, late, early);
    }

    private static String version() {
        String v = WaveStatistics.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
