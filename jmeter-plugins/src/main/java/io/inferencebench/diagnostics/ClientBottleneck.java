package io.inferencebench.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.inferencebench.outcome.ClientHardwareSummary;
import io.inferencebench.outcome.ClientRate;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.wave.Setting;

/**
 * The verdict after a wave: did the client, not the server, limit it, and why? Each cause comes with
 * the figure that shows it and the remedy that addresses it. Decided from evidence gathered during
 * the wave, never from a fixed paragraph.
 */
public final class ClientBottleneck {
    /**
     * Causes that mean the client did not deliver the load the wave asked for, so its figures say nothing
     * of the endpoint at that load: exit 3. Machine noise (another process, GC) only warns, so a shared CI
     * runner does not flake.
     */
    static final java.util.Set<String> INVALIDATING = java.util.Set.of("under-firing", "thread cap reached",
            "dropped starts", "remote engine lost");

    /** Fewer requests than this missing from the schedule is timing noise, not under-firing. */
    static final double MISSING_STARTS = 2;
    /** Under this share of the target rate the client under-fired. */
    static final double UNDER_FIRING = 0.97;
    /** Share of starts that may run late (warm-up, scheduling noise) before it counts. */
    static final double LATE_SHARE = 0.02;
    /**
     * Late starts only count when they are this late at p99, and late against the service time too
     * (a tenth of the median latency): a few milliseconds of scheduling noise do not change what a
     * 50 ms or a 2 s endpoint looked like.
     */
    static final double LATE_P99_MS = ClientRate.LATE_MS; // the starts client_rate counts as over 10 ms late
    static final double LATE_SHARE_OF_LATENCY = 0.1;
    /**
     * Client queueing before invoke that counts as the client holding requests back: one request in
     * ten waiting this long (p90, ms) is sustained queueing, not a hiccup.
     */
    static final double QUEUE_P90_MS = 5;
    /** Average CPU of the client processes, as a share of all cores, that counts as saturated. */
    static final double CPU_SHARE = 0.85;
    /** Average CPU of the whole machine, as a share of all cores, that leaves the client starved. */
    static final double MACHINE_SHARE = 0.95;
    /** Share of the wave spent in GC that counts. */
    static final double GC_SHARE = 0.05;
    /** Share of the descriptor limit in use that leaves too little headroom. */
    static final double FD_SHARE = 0.8;

    /** One cause: what limited the run, the figure that shows it, and what to do. */
    public record Cause(String cause, String figure, String remedy) {
    }

    /**
     * What the wave showed. Use {@code Double.NaN} / negative values for what was not measured.
     *
     * @param targetRps        requested rate ({@code NaN}: unpaced)
     * @param clientRps        achieved start rate
     * @param waveSeconds      time from the first start to the last response
     * @param threadsNeeded    rate x mean latency (Little's law), for the thread-cap remedy
     * @param processCpuAvg    client processes' average CPU, percent of one core
     * @param processCpuMax    their maximum
     * @param machineCpuAvg    the whole machine's average CPU, percent of one core
     * @param platformThreads  the pool ran JMeter threads on platform threads (Java 17-20, or chosen): a reached
     *                         cap is then lifted by Java 21+'s virtual threads
     */
    public record Evidence(double targetRps, double clientRps, long fired, long lateStarts, double latenessP99Ms,
                           double latencyP50Ms,
                           long droppedStarts, boolean threadCapReached, int maxThreads, double threadsNeeded,
                           double queueP90Ms, double queueP99Ms, boolean pythonWorkers, int workers, boolean precomputedPayloads,
                           double processCpuAvg, double processCpuMax, double machineCpuAvg, int cores,
                           double gcPauseMs, double waveSeconds, long maxOpenFds, long maxFds, boolean ranOnRemoteEngines,
                           boolean platformThreads, long lateOver10ms, long lateOver10msEarly) {
        /** Evidence of a wave on this machine (not on remote engines). */
        public Evidence(double targetRps, double clientRps, long fired, long lateStarts, double latenessP99Ms,
                        double latencyP50Ms,
                        long droppedStarts, boolean threadCapReached, int maxThreads, double threadsNeeded,
                        double queueP90Ms, double queueP99Ms, boolean pythonWorkers, int workers, boolean precomputedPayloads,
                        double processCpuAvg, double processCpuMax, double machineCpuAvg, int cores,
                        double gcPauseMs, double waveSeconds, long maxOpenFds, long maxFds) {
            this(targetRps, clientRps, fired, lateStarts, latenessP99Ms, latencyP50Ms, droppedStarts, threadCapReached,
                    maxThreads, threadsNeeded, queueP90Ms, queueP99Ms, pythonWorkers, workers, precomputedPayloads,
                    processCpuAvg, processCpuMax, machineCpuAvg, cores, gcPauseMs, waveSeconds, maxOpenFds, maxFds, false,
                    false, -1, -1);
        }

        /** The same evidence from a wave that ran on JMeter remote engines. */
        public Evidence onRemoteEngines() {
            return new Evidence(targetRps, clientRps, fired, lateStarts, latenessP99Ms, latencyP50Ms, droppedStarts,
                    threadCapReached, maxThreads, threadsNeeded, queueP90Ms, queueP99Ms, pythonWorkers, workers,
                    precomputedPayloads, processCpuAvg, processCpuMax, machineCpuAvg, cores, gcPauseMs, waveSeconds,
                    maxOpenFds, maxFds, true, platformThreads, lateOver10ms, lateOver10msEarly);
        }

        /** The same evidence from a pool that ran on platform threads. */
        public Evidence onPlatformThreads() {
            return new Evidence(targetRps, clientRps, fired, lateStarts, latenessP99Ms, latencyP50Ms, droppedStarts,
                    threadCapReached, maxThreads, threadsNeeded, queueP90Ms, queueP99Ms, pythonWorkers, workers,
                    precomputedPayloads, processCpuAvg, processCpuMax, machineCpuAvg, cores, gcPauseMs, waveSeconds,
                    maxOpenFds, maxFds, ranOnRemoteEngines, true, lateOver10ms, lateOver10msEarly);
        }

        /**
         * The same evidence with when the late starts came: {@code lateOver10ms} starts more than
         * {@link ClientRate#LATE_MS} ms late inside the planned window, of which {@code lateOver10msEarly} in its first
         * {@link ClientRate#EARLY_SECONDS} seconds (-1: not known).
         */
        public Evidence withLateStartTimes(long lateOver10ms, long lateOver10msEarly) {
            return new Evidence(targetRps, clientRps, fired, lateStarts, latenessP99Ms, latencyP50Ms, droppedStarts,
                    threadCapReached, maxThreads, threadsNeeded, queueP90Ms, queueP99Ms, pythonWorkers, workers,
                    precomputedPayloads, processCpuAvg, processCpuMax, machineCpuAvg, cores, gcPauseMs, waveSeconds,
                    maxOpenFds, maxFds, ranOnRemoteEngines, platformThreads, lateOver10ms, lateOver10msEarly);
        }

        /** Nearly all late starts came at the wave's start, in a wave long enough to tell (null: not known). */
        Boolean lateStartsMostlyEarly() {
            if (lateOver10ms <= 0 || lateOver10msEarly < 0 || waveSeconds < 2 * ClientRate.EARLY_SECONDS) {
                return null;
            }
            return lateOver10msEarly >= EARLY_SHARE * lateOver10ms;
        }
    }

    /** The share of a wave's late starts in its first seconds that makes them its warm-up. */
    static final double EARLY_SHARE = 0.8;

    private final List<Cause> causes;

    private ClientBottleneck(List<Cause> causes) {
        this.causes = List.copyOf(causes);
    }

    /**
     * Gathers the evidence of a finished wave: its figures, the client hardware section when it was
     * sampled, and the Python runtime's part when factories ran.
     */
    public static Evidence evidence(WaveOutcome s) {
        WaveOutcome.Threads t = s.threads();
        double meanLatencyMs = s.latencyMs() == null || s.latencyMs().mean() == null ? 0 : s.latencyMs().mean();
        double target = s.targetRps() == null ? Double.NaN : s.targetRps();
        double cpuAvg = Double.NaN, cpuMax = Double.NaN, machineAvg = Double.NaN, gcMs = 0;
        long openFds = -1, maxFds = -1;
        int cores = Runtime.getRuntime().availableProcessors();
        ClientHardwareSummary hw = s.section(ClientHardwareSummary.SECTION);
        if (hw != null && hw.samples() > 0) {
            cpuAvg = number(hw.processCpuPercent().avg());
            cpuMax = number(hw.processCpuPercent().max());
            machineAvg = number(hw.machineCpuPercent().avg());
            gcMs = number(hw.gcPauseMs());
            openFds = (long) number(hw.openFds().max());
            maxFds = hw.maxFds() == null ? -1 : hw.maxFds();
            cores = hw.cores();
        }
        WaveOutcome.Python py = s.python();
        int workers = py == null ? 0 : py.workers();
        ClientRate rate = s.section(ClientRate.SECTION);
        return new Evidence(target, deliveredRate(s), s.fired(), s.lateStarts(),
                s.latenessMs() == null ? 0 : s.latenessMs().p99(),
                s.latencyMs() == null || s.latencyMs().p50() == null ? 0 : s.latencyMs().p50(), s.droppedStarts(),
                t != null && t.capReached(), t == null ? 0 : t.maxThreads(),
                Double.isNaN(target) ? 0 : target * meanLatencyMs / 1000.0,
                s.queueMs() == null ? 0 : s.queueMs().p90(), s.queueMs() == null ? 0 : s.queueMs().p99(), workers > 0,
                workers, py == null || py.precomputedPayloads(),
                cpuAvg, cpuMax, machineAvg, cores, gcMs, s.durationS(), openFds, maxFds,
                s.spec() != null && s.spec().engine() != null && "remote".equals(s.spec().engine().kind()),
                t != null && "platform".equals(t.kind()), rate == null || rate.lateOver10ms() == null ? -1 : rate.lateOver10ms(),
                rate == null || rate.lateOver10msEarly() == null ? -1 : rate.lateOver10msEarly());
    }

    /**
     * The rate the client delivered. Remote engines start a few hundred ms apart, so the span of all their
     * starts is longer than any one schedule: there, what counts is how many of the scheduled starts
     * happened (the request count, or the rate over the duration), as a share of the target rate.
     */
    private static double deliveredRate(WaveOutcome s) {
        WaveSetup spec = s.spec();
        boolean remote = spec != null && spec.engine() != null && "remote".equals(spec.engine().kind());
        if (!remote || s.targetRps() == null) {
            return s.clientRps();
        }
        double expected = Double.MAX_VALUE;
        if (spec.numRequests() != null) {
            expected = spec.numRequests();
        }
        if (spec.obsTimeS() != null) {
            expected = Math.min(expected, spec.obsTimeS() * s.targetRps());
        }
        if (expected == Double.MAX_VALUE || expected <= 0) {
            return s.clientRps();
        }
        return s.targetRps() * Math.min(1.0, s.fired() / expected);
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public static ClientBottleneck judge(Evidence e) {
        List<Cause> causes = new ArrayList<>();
        boolean paced = !Double.isNaN(e.targetRps()) && e.targetRps() > 0;
        // a wave already on remote engines is helped by more of them, not by being told they exist
        String moreClients = e.ranOnRemoteEngines()
                ? "more remote engines (each sends an equal share of the rate), or engines with more cores"
                : "a client with more cores, or JMeter remote engines (jmeter-server on other machines) to share the rate";

        if (e.threadCapReached()) {
            causes.add(new Cause("thread cap reached",
                    e.threadsNeeded() >= e.maxThreads()
                            ? String.format(Locale.ROOT, "all %d threads were busy; the rate and latency need about %.0f",
                                    e.maxThreads(), e.threadsNeeded())
                            // the mean fits: the cap was met by the slow first requests of a cold JVM, or by bursts
                            : String.format(Locale.ROOT, "all %d threads were busy at times, though the mean rate and"
                                    + " latency need %s (slow first requests or bursts)", e.maxThreads(),
                                    e.threadsNeeded() < 1 ? "less than one"
                                            : String.format(Locale.ROOT, "only about %.1f", e.threadsNeeded())),
                    String.format(Locale.ROOT, "raise " + Setting.THREAD_CAP + " (to at least %d)%s",
                            (int) Math.ceil(Math.max(e.maxThreads() * 2, e.threadsNeeded() * 1.5)),
                            e.platformThreads() ? "; better, run on Java 21+, where the pool uses virtual threads and "
                                    + "a waiting request holds no platform thread (its automatic cap is then set by "
                                    + "file descriptors and memory)" : "")));
        }
        if (e.pythonWorkers() && e.queueP90Ms() > QUEUE_P90_MS) {
            causes.add(new Cause("requests queued in the Python workers before invoke ran",
                    String.format(Locale.ROOT, "queue wait p90 %.1f ms, p99 %.1f ms with %d worker(s)", e.queueP90Ms(),
                            e.queueP99Ms(), e.workers()),
                    e.precomputedPayloads()
                            ? String.format(Locale.ROOT, "more " + Setting.WORKER_PROCESSES + " (try %d), up to one per core", e.workers() + 1)
                            : String.format(Locale.ROOT, "more " + Setting.WORKER_PROCESSES + " (try %d), or pre-computed payloads "
                                    + "(payload_factory pre_computed=True) if building payloads is the cost", e.workers() + 1)));
        }
        double cpuShare = e.cores() > 0 ? e.processCpuAvg() / (100.0 * e.cores()) : Double.NaN;
        double machineShare = e.cores() > 0 ? e.machineCpuAvg() / (100.0 * e.cores()) : Double.NaN;
        if (cpuShare >= CPU_SHARE) {
            causes.add(new Cause("client CPU saturated",
                    String.format(Locale.ROOT, "client processes avg %.0f%% (max %.0f%%) of %d cores = %.0f%%; machine avg %.0f%%",
                            e.processCpuAvg(), e.processCpuMax(), e.cores(), 100 * cpuShare, 100 * machineShare),
                    e.pythonWorkers() && !e.precomputedPayloads()
                            ? "pre-computed payloads if payload building is heavy, or " + moreClients
                            : moreClients));
        } else if (machineShare >= MACHINE_SHARE) {
            causes.add(new Cause("client machine busy with other work",
                    String.format(Locale.ROOT, "machine CPU avg %.0f%% of %d cores while the client processes used %.0f%%",
                            100 * machineShare, e.cores(), 100 * cpuShare),
                    "stop other CPU-heavy processes on the client machine, or run the load from a machine of its own"));
        }
        if (e.waveSeconds() > 0 && e.gcPauseMs() / 1000.0 > GC_SHARE * e.waveSeconds()) {
            causes.add(new Cause("garbage collection",
                    String.format(Locale.ROOT, "%.0f ms of GC in a %.1f s wave (%.1f%%)", e.gcPauseMs(), e.waveSeconds(),
                            100 * e.gcPauseMs() / 1000.0 / e.waveSeconds()),
                    "a larger heap (IB_JAVA_OPTS=-Xmx4g ./benchmark ...), or pre-computed payloads of smaller size"));
        }
        if (e.maxFds() > 0 && e.maxOpenFds() >= FD_SHARE * e.maxFds()) {
            causes.add(new Cause("file descriptors nearly exhausted",
                    String.format(Locale.ROOT, "%d of %d open", e.maxOpenFds(), e.maxFds()),
                    "raise the open-files limit (ulimit -n) or spread the load over JMeter remote engines"));
        }
        if (paced && e.droppedStarts() > 0) {
            causes.add(new Cause("dropped starts",
                    String.format(Locale.ROOT, "%d starts were more late than the late policy allows", e.droppedStarts()),
                    causes.isEmpty() ? "find why starts ran late (see the other figures); raise " + Setting.THREAD_CAP + " or the drop limit of " + Setting.LATE_POLICY
                            : "remove the causes above"));
        }
        boolean lateMatters = paced && e.fired() > 0 && e.lateStarts() > LATE_SHARE * e.fired()
                && e.latenessP99Ms() > Math.max(LATE_P99_MS, LATE_SHARE_OF_LATENCY * e.latencyP50Ms());
        if (lateMatters) {
            causes.add(new Cause("late starts",
                    String.format(Locale.ROOT, "%d of %d starts (%.1f%%) late, p99 %.1f ms", e.lateStarts(), e.fired(),
                            100.0 * e.lateStarts() / e.fired(), e.latenessP99Ms()),
                    !causes.isEmpty() ? "remove the causes above"
                            : e.threadCapReached() ? "raise " + Setting.THREAD_CAP + ", or " + moreClients
                            : lateRemedy(e, moreClients)));
        }
        // a few ms of jitter on a wave of a handful of starts moves its rate by percents: under-firing must
        // also miss whole requests, at least MISSING_STARTS of them over the wave
        boolean missesRequests = (e.targetRps() - e.clientRps()) * e.waveSeconds() >= MISSING_STARTS;
        if (paced && e.clientRps() < UNDER_FIRING * e.targetRps() && e.fired() > 1 && missesRequests) {
            causes.add(0, new Cause("under-firing",
                    String.format(Locale.ROOT, "achieved %.2f of %.2f req/s (%.1f%%)", e.clientRps(), e.targetRps(),
                            100 * e.clientRps() / e.targetRps()),
                    causes.isEmpty() ? "raise " + Setting.THREAD_CAP + " or " + Setting.WORKER_PROCESSES + ", or " + moreClients
                            : "remove the causes below"));
        }
        return new ClientBottleneck(causes);
    }

    /**
     * The remedy for late starts while the pool had room, so that more threads would not have helped. Where the
     * late starts came tells why: nearly all in the wave's first seconds is a JVM warming up (a cold
     * {@code jmeter -n}, the GUI's first runs, a rate the command's short warm-up does not cover); spread over the wave,
     * the client had too little CPU for the rate. Only starts more than {@link ClientRate#LATE_MS} ms late count:
     * the 1-10 ms ones of a busy scheduler come everywhere and make no lateness p99 the verdict reports.
     */
    private static String lateRemedy(Evidence e, String moreClients) {
        String room = String.format(Locale.ROOT, "the %s (%d) was not reached, so more threads would not help: ",
                Setting.THREAD_CAP, e.maxThreads());
        Boolean early = e.lateStartsMostlyEarly();
        if (early == null) {
            return room + "the first seconds of a run in a fresh JVM (jmeter -n, or the GUI's first run) start late "
                    + "while it warms up (the benchmark command warms up first); otherwise " + moreClients;
        }
        String where = String.format(Locale.ROOT, "%d of the %d starts over %d ms late came in the window's first %d s",
                e.lateOver10msEarly(), e.lateOver10ms(), ClientRate.LATE_MS, ClientRate.EARLY_SECONDS);
        return early
                ? room + where + ": a JVM warming up (a cold jmeter -n, the GUI's first runs, or a rate the benchmark "
                        + "command's 1 s warm-up was too short for); a longer wave dilutes them, and in JMeter -Jib.warmup=3 "
                        + "runs the first 3 s as a warm-up at the wave's rate, left out of the figures"
                : room + where + ", the rest throughout the wave: the client lacks CPU for this rate; " + moreClients;
    }

    public boolean detected() {
        return !causes.isEmpty();
    }

    public List<Cause> causes() {
        return causes;
    }

    /** The {@code client_bottleneck} part of the outcome. */
    public WaveOutcome.Verdict toVerdict() {
        return new WaveOutcome.Verdict(detected(),
                causes.stream().map(c -> new WaveOutcome.Verdict.Cause(c.cause(), c.figure(), c.remedy(),
                        INVALIDATING.contains(c.cause()))).toList());
    }

    /** The same verdict with every setting named as {@code names} calls it (the CLI: its flags). */
    public ClientBottleneck naming(java.util.function.Function<Setting, String> names) {
        return new ClientBottleneck(causes.stream().map(c -> new Cause(c.cause(), Setting.translate(c.figure(), names),
                Setting.translate(c.remedy(), names))).toList());
    }

    /** The warning printed after the RESULTS block, or an empty string for a healthy run. */
    public String render() {
        return render(toVerdict());
    }

    /** The warning for a verdict (as the outcome holds it), or an empty string for a healthy run. */
    public static String render(WaveOutcome.Verdict verdict) {
        if (!verdict.detected()) {
            return "";
        }
        StringBuilder b = new StringBuilder("⚠️ CLIENT BOTTLENECK detected: the client, not the endpoint, limited this wave; "
                + "treat its figures as client-limited.\n");
        for (WaveOutcome.Verdict.Cause c : verdict.causes()) {
            b.append("   - ").append(c.cause()).append(": ").append(c.figure()).append("\n");
            b.append("     remedy: ").append(c.remedy()).append("\n");
        }
        return b.toString();
    }
}
