package io.inferencebench.pacing;

/**
 * How big the Constant RPS Timer's thread pool should be: a pure function of what the pacer saw since its
 * last look (no clock, no threads; the pool keeper feeds it and carries out its decisions).
 *
 * <p>The pool follows the work, not its own noise:
 * <ul>
 *   <li>its size follows Little's law, {@code rate x service time}, from a smoothed estimate of the recent
 *       service time, so the slow first responses of a cold JVM fade instead of sizing the pool for good;</li>
 *   <li>a margin of waiting threads (two plus a quarter of Little's law) absorbs jitter;</li>
 *   <li>it grows at most one thread per arrival due since the last look: a stalled server that holds
 *       every request gets a thread per due start, as an open model needs, but a busy client cannot
 *       multiply the pool in a few passes;</li>
 *   <li>it grows beyond Little's law on the smoothed service time only while requests in flight are older
 *       than that estimate explains, and either the CPU has room or the server is plainly holding them
 *       (requests start but hardly any finish: a stall, where a blocked thread costs nothing). On a saturated
 *       CPU with requests still finishing, a new thread adds work, not capacity, so growth stops at Little's
 *       law and the starts run late, which the verdict reports as the client's limit. Before the first
 *       response the estimate is the first guess (50 ms) and, in a cold JVM, a saturated CPU counts as the
 *       client's doing: a cold {@code jmeter -n} holds its first requests for up to a second, and growing the
 *       pool for them (159 threads at 500/s, where 59 do) only added cold threads to a busy CPU. A warm JVM (a
 *       request paced in it has completed) has no cold start to wait out, so there a saturated CPU holds growth
 *       for the wave's first {@link #WARM_START_NANOS} only: a warm GUI's run against a 2 s endpoint on a machine
 *       busy with other work otherwise started about 200 of its 300 due starts, all about a second late. Not
 *       from the first look: against a cold server on the same 2 cores (answers 100-300 ms late) that grew the
 *       command's wave at 500/s to 104-152 threads, where 59-79 did;</li>
 *   <li>on a saturated CPU the answers wait for a core as well as for the server, so the measured service time
 *       grows with every thread the pool adds: following it took a cold {@code jmeter -n} at 2,000/s to 1,304
 *       threads (227 do). There the pool is sized from a calm estimate, which follows the service estimate five
 *       times more slowly while the CPU is saturated, and grows beyond twice Little's law on it only in a plain
 *       stall (fewer than one start in {@link #PLAIN_STALL} finishing);</li>
 *   <li>threads idle beyond the margin for {@link #RETIRE_AFTER_NANOS} retire (the least surplus the looks of that
 *       time saw), down to Little's law plus the margin.</li>
 *   <li>in a JVM where an earlier wave measured the service time (a second run in the GUI, a later test on a
 *       remote engine; the benchmark command forgets each wave's), the pool grows no further than twice
 *       Little's law on that time, plus the margin, for this wave's first {@link #WARM_START_NANOS} while it has no
 *       answer or its CPU is saturated (not longer: a server slower than the earlier wave's would otherwise be held
 *       to the earlier wave's threads until it answered; not only until the first answer: a second run whose first
 *       few answers came at 50 ms, then none while the CPU was saturated, grew to 108 threads). Without it, a warm GUI's
 *       second run at 500/s grew to 94-385 threads at its start: the new virtual threads' start-up (cloning
 *       the test, building an HTTP client, connecting) kept both carriers busy, the threads whose answers had
 *       arrived waited for a carrier, their requests grew old like a stalled server's, and each look added a
 *       thread per due start, more start-up work for the same carriers.</li>
 * </ul>
 */
public final class PoolPolicy {
    /** Time constant of the service-time estimate: a one-second spike moves it by 63%, 100 ms by 10%. */
    static final double SMOOTHING_NANOS = 1_000_000_000.0;
    /** How long threads must idle beyond the margin before the surplus retires. */
    static final long RETIRE_AFTER_NANOS = 2_000_000_000L;
    /** The pool may grow to this many times Little's law (plus the margin) while requests are held. */
    static final int HEADROOM = 2;
    /**
     * How long after its first start a warm JVM's wave without an answer may put its slow first answers down to its
     * own start-up: until then the earlier wave's service time bounds its growth and a saturated CPU holds it. The
     * answers such a run held back came 0.45 s in (a warm GUI's second run, traced); a server that has not answered
     * a warm client in a second holds its requests, whoever else uses the CPU, and each start due after that gets
     * a thread again.
     */
    static final long WARM_START_NANOS = 1_000_000_000L;
    /** Time constant of the start and finish counts that tell a stall (few finish) from a slow client. */
    static final double STALL_WINDOW_NANOS = 200_000_000.0;
    /** Time constant of the calm service estimate while the CPU is saturated: five times the plain estimate's. */
    static final double SATURATED_SMOOTHING_NANOS = 5 * SMOOTHING_NANOS;
    /**
     * On a saturated CPU with answers still coming, a stall must be plain to grow the pool beyond twice Little's law
     * on the calm estimate: fewer than one start in this many finishing.
     */
    static final int PLAIN_STALL = 8;

    /** Why the pool did not grow although the margin was thin. */
    public enum Limit {
        /** Nothing held it back (or it did not need to grow). */
        NONE,
        /** The thread cap. */
        CAP,
        /** The CPU was saturated: growth beyond Little's law would only add work. */
        CPU,
        /** Already at twice Little's law plus the margin. */
        LITTLE,
        /**
         * No response yet and the CPU saturated: the client's cold start (class loading, the JIT compiler), which
         * passes, not a limit to report.
         */
        COLD
    }

    /**
     * What the pacer saw since the last look.
     *
     * @param ratePerSecond  the planned rate now, on this engine
     * @param elapsedNanos   time since the last look
     * @param threads        threads in the pool
     * @param waiting        threads waiting for their start (or not started yet)
     * @param starts         requests started since the last look
     * @param completions    requests that finished since the last look
     * @param serviceNanos   their summed service time (start to the thread's return for its next start)
     * @param inFlightAgeNanos mean age of the requests in flight now (0 when none)
     * @param cpuSaturated   the CPU had no room left: threads parked for their start woke up late
     */
    public record Look(double ratePerSecond, long elapsedNanos, int threads, int waiting, long starts, long completions,
                       long serviceNanos, long inFlightAgeNanos, boolean cpuSaturated) {
    }

    /**
     * Threads to add, threads to retire, what held growth back, and the margin of waiting threads the
     * decision aimed at (a start that leaves fewer waiting should call the keeper at once).
     */
    public record Decision(int add, int retire, Limit limit, int margin) {
    }

    private final int cap;
    /** The service time an earlier wave of this JVM measured, nanoseconds; {@code NaN} in a JVM with none. */
    private final double earlierServiceNanos;
    /** A request paced in this JVM has completed before this wave: a saturated CPU is not its cold start. */
    private final boolean warmJvm;
    private double serviceEstimateNanos = Double.NaN;
    /**
     * The service estimate as a CPU with room measures it: equal to {@link #serviceEstimateNanos} while the CPU has
     * room, following it {@link #SATURATED_SMOOTHING_NANOS} slowly while the CPU is saturated.
     */
    private double calmEstimateNanos = Double.NaN;
    /** Time the looks covered from the one that saw the first start (that look's whole span included). */
    private long sinceFirstStartNanos;
    private boolean startSeen;
    private long surplusNanos;
    /**
     * The least surplus the looks of the current surplus interval saw: the threads idle beyond the margin the whole
     * time. Retiring the surplus of the interval's last look instead (whatever the requests in flight were at that
     * moment) retired threads the next looks added again: 7 of 42 every 2 s at 500/s in a GUI run, 52 of 187 at
     * 2,000/s in a {@code jmeter -n} run; after its first 3 s a cold {@code jmeter -n} run at 500/s added 33-47 threads,
     * with this 13-22 (four runs each, alternated).
     */
    private int leastSurplus = Integer.MAX_VALUE;
    private double recentStarts;
    private double recentCompletions;

    /** @param cap the most threads the pool may have */
    public PoolPolicy(int cap) {
        this(cap, Double.NaN);
    }

    /**
     * @param cap                 the most threads the pool may have
     * @param earlierServiceNanos the service time an earlier wave of this JVM measured ({@code NaN}: none); it bounds
     *                            the growth before this wave's first answer
     */
    public PoolPolicy(int cap, double earlierServiceNanos) {
        this(cap, earlierServiceNanos, false);
    }

    /**
     * @param cap                 the most threads the pool may have
     * @param earlierServiceNanos the service time an earlier wave of this JVM measured ({@code NaN}: none)
     * @param warmJvm             a request paced in this JVM has completed (implied by an earlier service time; the
     *                            benchmark command's wave after its warm-up has this without that)
     */
    public PoolPolicy(int cap, double earlierServiceNanos, boolean warmJvm) {
        this.cap = Math.max(1, cap);
        this.earlierServiceNanos = earlierServiceNanos > 0 ? earlierServiceNanos : Double.NaN;
        this.warmJvm = warmJvm || earlierServiceNanos > 0;
    }

    /** The smoothed service time, nanoseconds ({@code NaN} before the first request finished). */
    public double serviceEstimateNanos() {
        return serviceEstimateNanos;
    }

    /**
     * Service time assumed before any request has finished: the pool starts with Little's law for it, so a cold
     * JVM (plain {@code jmeter -n} in CI, no warm-up) does not spend its first second growing a pool of three.
     * Threads it did not need retire after {@link #RETIRE_AFTER_NANOS}.
     */
    static final double FIRST_GUESS_SECONDS = 0.05;

    /** Threads to start the pool with at a peak rate of {@code ratePerSecond}, within {@code cap}. */
    public static int initialThreads(double ratePerSecond, int cap) {
        double little = Math.max(0, ratePerSecond) * FIRST_GUESS_SECONDS;
        return (int) Math.min(Math.max(1, cap), (long) Math.ceil(little) + margin(little));
    }

    /** The margin of waiting threads to keep for a Little's law figure. */
    static int margin(double little) {
        return 2 + (int) Math.ceil(little / 4);
    }

    /** {@code times} Little's law for {@code little}, plus its margin: the pool sizes every bound this way. */
    private static int littlePlusMargin(int times, double little) {
        return times * (int) Math.ceil(little) + margin(little);
    }

    /** Starts a new interval in which idle threads beyond the margin are counted toward retiring. */
    private void restartSurplus() {
        surplusNanos = 0;
        leastSurplus = Integer.MAX_VALUE;
    }

    public Decision decide(Look look) {
        startSeen |= look.starts() > 0;
        if (startSeen) {
            sinceFirstStartNanos += Math.max(0, look.elapsedNanos());
        }
        if (look.completions() > 0) {
            double mean = (double) look.serviceNanos() / look.completions();
            if (Double.isNaN(serviceEstimateNanos)) {
                // the first responses of a cold JVM are its slowest (0.3-1 s in plain jmeter -n, where 50 ms follow):
                // they move the estimate from the first guess, as a spike would, instead of becoming it
                serviceEstimateNanos = FIRST_GUESS_SECONDS * 1e9;
            }
            double alpha = 1 - Math.exp(-Math.max(0, look.elapsedNanos()) / SMOOTHING_NANOS);
            serviceEstimateNanos += alpha * (mean - serviceEstimateNanos);
        }
        if (!Double.isNaN(serviceEstimateNanos)) {
            if (!look.cpuSaturated()) {
                calmEstimateNanos = serviceEstimateNanos;
            } else {
                if (Double.isNaN(calmEstimateNanos)) {
                    // answers that came while the CPU was saturated from the start: start from what was known before
                    calmEstimateNanos = Double.isNaN(earlierServiceNanos) ? FIRST_GUESS_SECONDS * 1e9 : earlierServiceNanos;
                }
                double beta = 1 - Math.exp(-Math.max(0, look.elapsedNanos()) / SATURATED_SMOOTHING_NANOS);
                calmEstimateNanos += beta * (serviceEstimateNanos - calmEstimateNanos);
            }
        }
        double fade = Math.exp(-Math.max(0, look.elapsedNanos()) / STALL_WINDOW_NANOS);
        recentStarts = recentStarts * fade + look.starts();
        recentCompletions = recentCompletions * fade + look.completions();
        double perNano = look.ratePerSecond() / 1e9;
        double estimate = Double.isNaN(serviceEstimateNanos) ? 0 : serviceEstimateNanos;
        // a request in flight for longer than the estimate says the server holds requests now: the mean age of
        // uniformly spread requests is half their service time
        double held = Math.max(estimate, 2.0 * look.inFlightAgeNanos());
        double littleNow = perNano * estimate;
        double littleHeld = perNano * held;
        int margin = margin(littleHeld);
        int threads = look.threads();
        int waiting = look.waiting();

        if (waiting < margin) {
            restartSurplus();
            if (threads >= cap) {
                return new Decision(0, 0, Limit.CAP, margin);
            }
            // the server holds requests: they start, hardly any finish, and they are older than usual. Before the
            // first response there is no "usual": a cold client (class loading, the JIT compiler) holds its first
            // requests as long as a stalled server would, and only a CPU with room tells the server's hold apart.
            // A warm JVM has no cold start: after a second without an answer its saturated CPU is other work's,
            // and a thread waiting on a held request costs none
            boolean known = !Double.isNaN(serviceEstimateNanos);
            boolean warmStartOver = sinceFirstStartNanos >= WARM_START_NANOS;
            boolean warmAndHeld = warmJvm && warmStartOver;
            boolean stalled = held > estimate && recentCompletions * 2 < recentStarts
                    && (known || warmAndHeld || !look.cpuSaturated());
            // on a saturated CPU the answers wait for a core too, so the estimate grows with every thread the pool adds
            // (a cold jmeter -n at 2,000/s followed it to 1,304 threads, where 227 do): size from the calm estimate
            double littleCalm = known ? perNano * calmEstimateNanos : littleNow;
            int allowed;
            if (look.cpuSaturated() && !stalled) {
                allowed = littlePlusMargin(1, littleCalm);
            } else {
                allowed = littlePlusMargin(HEADROOM, littleHeld);
                if (look.cpuSaturated() && known && recentCompletions * PLAIN_STALL >= recentStarts) {
                    // answers still come, only late: the pool's own start-up and the answers' wait for a core make the
                    // requests old, as a stall would, so beyond twice Little's law a stall must be plain
                    allowed = Math.min(allowed, littlePlusMargin(HEADROOM, littleCalm));
                }
            }
            // a saturated CPU in the first second holds the answers back after the first one too: the new threads' start-up
            // keeps the carriers busy (a warm GUI's second run whose first answers came at 50 ms then grew to 108 threads)
            if ((!known || look.cpuSaturated()) && !Double.isNaN(earlierServiceNanos) && !warmStartOver) {
                allowed = Math.min(allowed, littlePlusMargin(HEADROOM, perNano * earlierServiceNanos));
            }
            // one thread per arrival due since the last look, and two to rebuild a thin margin
            int budget = 2 + (int) Math.ceil(perNano * Math.max(0, look.elapsedNanos()));
            int add = Math.min(Math.min(margin - waiting, budget), Math.min(cap - threads, allowed - threads));
            if (add <= 0) {
                return new Decision(0, 0, !look.cpuSaturated() ? Limit.LITTLE : known ? Limit.CPU
                        : warmAndHeld ? Limit.LITTLE : Limit.COLD, margin);
            }
            return new Decision(add, 0, Limit.NONE, margin);
        }
        int keep = littlePlusMargin(1, littleHeld);
        int surplus = Math.min(waiting - margin, threads - keep);
        if (surplus <= 0) {
            restartSurplus();
            return new Decision(0, 0, Limit.NONE, margin);
        }
        surplusNanos += Math.max(0, look.elapsedNanos());
        leastSurplus = Math.min(leastSurplus, surplus);
        if (surplusNanos < RETIRE_AFTER_NANOS) {
            return new Decision(0, 0, Limit.NONE, margin);
        }
        int retire = leastSurplus;
        restartSurplus();
        return new Decision(0, retire, Limit.NONE, margin);
    }
}
