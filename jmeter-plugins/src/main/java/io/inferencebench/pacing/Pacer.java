package io.inferencebench.pacing;

import io.inferencebench.wave.Setting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.threads.AbstractThreadGroup;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared clock of one Constant RPS Timer on one engine: hands each thread the next arrival of
 * the {@link ArrivalSchedule}, parks it until that arrival's intended start, counts late and dropped
 * starts, and sizes the thread group as its {@link PoolPolicy} decides: grown when too few threads are
 * left waiting for their start, shrunk when threads idle for long.
 */
public final class Pacer {
    private static final Logger log = LoggerFactory.getLogger(Pacer.class);

    /** JMeter property that makes the pacer keep its own lateness histogram (the pacing benchmark's "own record"). */
    public static final String LATENESS_PROPERTY = "ib.pacer.lateness";

    /** Every pacer of the running test in this JVM, by timer and thread group. */
    private static final Map<Object, Pacer> PACERS = new ConcurrentHashMap<>();

    /** How often a parked thread looks whether the test is being stopped, when no keeper wakes it for that. */
    private static final long STOP_CHECK_NANOS = 100_000_000L;
    /**
     * How often a parked thread looks by itself while the keeper runs: the keeper, which looks at the engine
     * anyway, wakes every parked thread when the test stops ({@link #wakeParked}). The idle margin is a
     * quarter of the busy threads, so with 10,000 streams open 2,500 threads wait for starts up to 15 s
     * ahead; looking every 100 ms, they took 25,000 timed parks a second, about a tenth of the client's CPU.
     */
    private static final long KEPT_STOP_CHECK_NANOS = 1_000_000_000L;
    /**
     * How often the pool keeper looks at how many threads are free on its own (a start that finds the
     * margin thin wakes it at once): during a stall no start comes to wake it, and the margin of two
     * plus a quarter of the busy threads outlasts 10 ms of arrivals at any rate whose latency needs it.
     */
    private static final long POOL_CHECK_NANOS = 10_000_000L;
    /** The longest the keeper sleeps while the margin of waiting threads is full. */
    private static final long MAX_LOOK_NANOS = 100_000_000L;
    /**
     * Over how long the keeper judges whether the CPU has room. The judge is the pacing itself: threads that
     * parked for their start and woke up late were ready and waiting for a core, so more threads cannot help.
     */
    private static final long CPU_CHECK_NANOS = 100_000_000L;
    /** A wake-up this late is the scheduler's doing (a quiet machine wakes a parked thread within ~0.1 ms). */
    private static final long LATE_WAKE_UP_NANOS = 2_000_000L;
    /**
     * The machine's CPU load (0-1) at which it has no room: the other judge, for when every thread is busy and
     * none parks (a client whose own load inflated every latency, or a machine busy with other work).
     */
    private static final double MACHINE_SATURATED = 0.95;
    /** Wake-ups in one {@link #CPU_CHECK_NANOS} enough to judge the CPU by the pacing alone (20 at 200/s). */
    private static final long ENOUGH_WAKE_UPS = 20;

    private final ArrivalSchedule schedule;
    private final LatePolicy latePolicy;
    private final int maxThreads;
    private final double targetRps;
    private final LoadProfile profile;
    private final PoolPolicy policy;
    /**
     * The pool's threads on platform threads now, JMeter's own included (a virtual pool runs its first ones so,
     * PoolThreads.PLATFORM_FIRST): the keeper adds, a retiring platform thread subtracts.
     */
    private final AtomicInteger platformThreads = new AtomicInteger();
    /** Threads the keeper started on each kind during the wave, for the log at its end; the keeper's alone. */
    private int startedPlatform;
    private int startedVirtual;
    /**
     * The service time the last pacer of each thread group (by name) estimated in this JVM, nanoseconds. A later
     * pacer of a group of that name (the same plan's next run in the GUI or on a remote engine) grows no further than
     * twice Little's law on it before its own first answer, for a second at most ({@link PoolPolicy}).
     * The benchmark command forgets them after its warm-up ({@link #forgetServiceTimes}: a private 1 ms endpoint,
     * whose figure would hold the real wave to a few dozen threads where 1.5 s streams need hundreds) and after each
     * wave ({@link #release}).
     */
    private static final Map<String, Double> EARLIER_SERVICE_NANOS = new ConcurrentHashMap<>();

    /**
     * Forgets the service times earlier waves measured, for a wave whose endpoint is not the next one's (the
     * benchmark command's warm-up). The JVM stays warm: its later pools still skip the cold start.
     */
    public static void forgetServiceTimes() {
        EARLIER_SERVICE_NANOS.clear();
    }

    /**
     * A request paced in this JVM has completed: its classes are loaded and the JIT has seen its path, so a later
     * pacer (the benchmark command's wave after its warm-up wave, a second run in the GUI or on a remote engine)
     * has no cold start: its pool starts with Little's law whatever the cap, and a saturated CPU is not its start-up
     * ({@link PoolPolicy}).
     */
    private static volatile boolean respondedInThisJvm;
    /**
     * A request paced by an earlier pacer of this JVM had completed when this one began (not this pacer's own first
     * answers: a cold JVM's start-up lasts beyond them, and its pool's growth then is what the cold start needs).
     */
    private final boolean warmAtStart = respondedInThisJvm;
    /** This pacer's key in {@link #EARLIER_SERVICE_NANOS}: its thread group's name. */
    private final String groupName;

    private final AbstractThreadGroup threadGroup;
    private final PoolThreads poolThreads;
    private final StandardJMeterEngine engine;

    private final long originNanos;
    private final long originEpochMicros;
    private long nextArrival; // guarded by schedule

    private final LongAdder started = new LongAdder();
    /** Starts of the warm-up ({@link ConstantRpsTimer#WARM_UP_PROPERTY}), among {@link #started}; not reported. */
    private final LongAdder warmUpStarts = new LongAdder();
    /** Offset from the origin of the first counted arrival: those before are the warm-up (0: none). */
    private final long countFromNanos;
    private final LongAdder late = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder lateWhileCapped = new LongAdder();
    private final Histogram lateness = new ConcurrentHistogram(3);
    /**
     * The pacer's own lateness histogram is for the pacing benchmark ({@code -Jib.pacer.lateness=true}); a wave's
     * lateness figures come from the samples' {@code ib_late_ms}, so the per-start path skips it.
     */
    private final boolean keepLateness = Boolean.parseBoolean(
            org.apache.jmeter.util.JMeterUtils.getPropDefault(LATENESS_PROPERTY, "false"));
    private final AtomicInteger threads;
    /** Threads that have asked for a start; the others are still starting up and count as waiting. */
    private final AtomicInteger threadsSeen = new AtomicInteger();
    /** Each pool thread's start in flight (absent before its first call: a thread not seen yet). */
    private final ThreadLocal<InFlight> inFlight = new ThreadLocal<>();
    /** Requests finished since the keeper's last look, and their summed service time. */
    private final LongAdder finished = new LongAdder();
    private final LongAdder serviceNanos = new LongAdder();
    /** Requests in flight, and the sum of their start offsets from the origin (their mean age, cheaply). */
    private final LongAdder inFlightCount = new LongAdder();
    private final LongAdder inFlightStartSum = new LongAdder();
    /** Threads the keeper asked to retire: the next ones to come back for a start end instead. */
    private final AtomicInteger retiring = new AtomicInteger();
    /** The policy's current margin: a start that leaves fewer threads waiting wakes the keeper. */
    private volatile int margin = 2;
    // the keeper's own state between its looks (its thread only)
    private com.sun.management.OperatingSystemMXBean keeperOs;
    private long lastLook;
    private long lastCpuLook;
    private long startedAtLastLook;
    private boolean saturated;
    private boolean askMachine;
    private volatile int peakThreads;
    private volatile boolean cpuLimited;
    /** Threads that parked for their start, and those of them that woke late. */
    private final LongAdder wakeUps = new LongAdder();
    private final LongAdder lateWakeUps = new LongAdder();
    private volatile boolean ended;
    /** Set by {@link #stopStarts()}: no new start, the requests in flight finish. */
    private volatile boolean stopping;
    private final AtomicLong lastStartNanos = new AtomicLong();
    /** Threads parked for their start: how many are idle, and whom the keeper wakes when the test stops. */
    private final java.util.Set<Thread> parked = ConcurrentHashMap.newKeySet();
    private volatile boolean capReached;
    private final Thread keeper;
    /** What each thread the pool adds starts with: the test's variables (see {@link #useTestVariables}). */
    private final JMeterVariables newThreadVariables;

    /**
     * The start a thread was given: arrival index, intended and actual start, how many arrivals
     * the late policy dropped just before it, and whether it belongs to the warm-up (not counted).
     */
    public record Start(long arrival, long intendedNanos, long actualNanos, long intendedEpochMicros,
                        long droppedBefore, boolean warmUp) {
        public long latenessNanos() {
            return Math.max(0, actualNanos - intendedNanos);
        }
    }

    /** A thread's request in flight: its start, as an offset from the origin (-1: none). */
    private static final class InFlight {
        long startOffset = -1;
        /** The thread is a platform thread: it counts toward the pool's platform share while it lives. */
        final boolean platform = !PoolThreads.isVirtual(Thread.currentThread());
    }

    Pacer(ArrivalSchedule schedule, LatePolicy latePolicy, int maxThreads, LoadProfile profile,
          AbstractThreadGroup threadGroup, StandardJMeterEngine engine) {
        this(schedule, latePolicy, maxThreads, profile, threadGroup, engine, 0);
    }

    /**
     * @param countFromNanos the warm-up: arrivals intended before this offset from the origin run like any other
     *                       (same rate, same threads and connections) but are reported as warm-up starts and left
     *                       out of the counts, so the wave's figures begin once ramp-up and connection set-up are over
     */
    Pacer(ArrivalSchedule schedule, LatePolicy latePolicy, int maxThreads, LoadProfile profile,
          AbstractThreadGroup threadGroup, StandardJMeterEngine engine, long countFromNanos) {
        this.countFromNanos = Math.max(0, countFromNanos);
        this.schedule = schedule;
        this.latePolicy = latePolicy;
        this.profile = profile;
        this.targetRps = profile.meanRate();
        this.threadGroup = threadGroup;
        this.poolThreads = threadGroup == null ? null : PoolThreads.of(threadGroup);
        this.maxThreads = capFor(maxThreads, poolThreads);
        this.groupName = threadGroup == null ? "" : threadGroup.getName();
        this.policy = new PoolPolicy(this.maxThreads, EARLIER_SERVICE_NANOS.getOrDefault(groupName, Double.NaN),
                respondedInThisJvm);
        this.engine = engine;
        this.threads = new AtomicInteger(threadGroup == null ? 1 : Math.max(1, threadGroup.getNumThreads()));
        this.peakThreads = threads.get();
        this.platformThreads.set(threads.get()); // JMeter starts the group's own on platform threads
        JMeterVariables vars = testVariables;
        this.newThreadVariables = vars != null ? vars : new JMeterVariables();
        if (threadGroup != null && engine != null) {
            // before the schedule begins, so that the first second is not spent growing the pool, within the cap as
            // the plan sets it. The plan's automatic cap (0, the templates' setting) then asks for one thread, so in a
            // cold JVM such a pool starts with the group's own threads: starting it with Little's law, tried
            // (2026-12-07), made six cold GUI first runs at 500/s worse (latency p99 74-313 ms, median 187, peak
            // 62-157 threads, against 73-207 ms, median 85, and 50-85 threads in nine without), 34 cold threads'
            // first requests coming at once. In a warm JVM it starts with Little's law whatever the cap: a pool that
            // grew from the group's four there, a thread per due start, went on growing to 127-385 threads in three
            // GUI second runs, the new threads' start-up keeping the carriers from the answers (see PoolPolicy)
            int firstPoolCap = respondedInThisJvm ? this.maxThreads : maxThreads;
            grow(PoolPolicy.initialThreads(profile.peakRate(), firstPoolCap) - threads.get(), -1);
            keeper = new Thread(this::keepPool, "ib-pacer-pool");
            keeper.setDaemon(true);
            keeper.start();
        } else {
            keeper = null;
        }
        // Pair the monotonic clock with the wall clock once; every intended start derives from both.
        // Taken after the keeper started, so its start-up does not make the first start late.
        this.originNanos = System.nanoTime();
        this.originEpochMicros = System.currentTimeMillis() * 1000L;
    }

    /** The cap for the plan's setting on this JVM; a cap the descriptors cannot hold is lowered, and said. */
    private static int capFor(int configured, PoolThreads pool) {
        boolean virtual = pool != null && pool.kind() == PoolThreads.Kind.VIRTUAL;
        ThreadCap limits = ThreadCap.ofThisProcess();
        int cap = limits.resolve(configured, virtual);
        String problem = limits.problem(cap);
        if (problem != null) {
            // the command refuses this before the wave; a plan run by JMeter itself gets the most that fits
            cap = (int) Math.max(1, limits.byDescriptors());
            log.error("Constant RPS Timer: {} The pool stops at {} threads.", problem, cap);
        }
        int platformFirst = pool == null ? Integer.MAX_VALUE : pool.platformFirst();
        log.info("Constant RPS Timer: the pool runs JMeter threads on {} threads{}{}, at most {}{}.",
                pool == null ? PoolThreads.Kind.PLATFORM : pool.kind(),
                virtual ? " (" + System.getProperty(PoolThreads.CARRIERS_PROPERTY, "?") + " carriers)" : "",
                virtual && platformFirst > 0 ? " beyond its first " + platformFirst + ", which run on platform threads"
                        : "", cap, configured >= 1 ? "" : " (automatic)");
        return cap;
    }

    /** How the pool starts its threads: {@code virtual} or {@code platform}. */
    PoolThreads.Kind threadKind() {
        return poolThreads == null ? PoolThreads.Kind.PLATFORM : poolThreads.kind();
    }

    static Pacer forKey(Object key, java.util.function.Supplier<Pacer> create) {
        return PACERS.computeIfAbsent(key, k -> create.get());
    }

    /**
     * Starts nothing more (a first Ctrl-C): every thread waiting for its next start ends, and requests
     * already in flight finish, so the test ends by itself once they have.
     */
    public static void stopStarts() {
        for (Pacer p : PACERS.values()) {
            p.stopping = true;
            if (p.keeper != null) {
                LockSupport.unpark(p.keeper);
            }
        }
    }

    /**
     * The earliest origin of the running test's pacers in this JVM (the first counted arrival's intended start:
     * arrival 0's, or the warm-up's end), epoch ms; 0 when none.
     */
    public static long originEpochMs() {
        long origin = 0;
        for (Pacer p : PACERS.values()) {
            long ms = (p.originEpochMicros + p.countFromNanos / 1000L) / 1000L;
            origin = origin == 0 ? ms : Math.min(origin, ms);
        }
        return origin;
    }

    /** Counted requests started so far (the warm-up's left out), over every pacer of the running test (read live by progress and Ctrl-C). */
    public static long started() {
        long n = 0;
        for (Pacer p : PACERS.values()) {
            n += p.started.sum() - p.warmUpStarts.sum();
        }
        return n;
    }

    /**
     * Stops and forgets the pacers of the test that ended, once its report has been read, so a JVM
     * that runs many waves keeps nothing of one for the next: not their service times either (the benchmark
     * command's waves, and a test JVM's against many endpoints, are not bounded by an earlier one's; a GUI or a
     * remote engine, which never release, are).
     */
    public static void release() {
        reset();
        forgetServiceTimes();
    }

    /** Forgets the pacers of an earlier test in this JVM. */
    static void reset() {
        for (Pacer p : PACERS.values()) {
            p.stop();
        }
        PACERS.clear();
        testVariables = null;
    }

    /**
     * The variables every thread the pool adds starts with, as JMeter's own threads do: the Test Plan's and the
     * User Defined Variables', which JMeter puts in the engine thread's context before the test starts. Called
     * from {@code testStarted} on that thread.
     */
    static void useTestVariables(JMeterVariables vars) {
        JMeterVariables copy = new JMeterVariables();
        if (vars != null) {
            copy.putAll(vars);
        }
        testVariables = copy;
    }

    /** Set by {@link #useTestVariables}; {@code null} outside a test (a pacer built by hand). */
    private static volatile JMeterVariables testVariables;

    /** What every pacer of the current (or last) test did, combined; {@code null} when none ran. */
    public static PacingReport report() {
        List<PacingReport> reports = new ArrayList<>();
        for (Pacer p : PACERS.values()) {
            reports.add(p.snapshot());
        }
        return PacingReport.combine(reports);
    }

    private void stop() {
        ended = true;
        if (keeper != null) {
            keeper.interrupt();
        }
    }

    /**
     * Blocks the calling thread until its next start is due and returns it, or returns {@code null}
     * when the schedule has ended (or the test is stopping) and the thread should end.
     */
    Start awaitNextStart() {
        InFlight mine = inFlight.get();
        if (mine == null) {
            mine = new InFlight();
            inFlight.set(mine);
            threadsSeen.incrementAndGet();
        } else if (mine.startOffset >= 0) {
            // the request this thread started has finished: its service time feeds the pool's sizing
            finished.increment();
            serviceNanos.add(System.nanoTime() - originNanos - mine.startOffset);
            inFlightCount.decrement();
            inFlightStartSum.add(-mine.startOffset);
            mine.startOffset = -1;
        }
        if (retiring.get() > 0 && retiring.getAndDecrement() > 0) {
            // an idle surplus thread: it ends before taking an arrival, so no start is lost
            inFlight.remove();
            threadsSeen.decrementAndGet();
            threads.decrementAndGet();
            if (mine.platform) {
                platformThreads.decrementAndGet(); // the next growth may start a platform thread again
            }
            return null;
        }
        long droppedHere = 0;
        while (true) {
            if (stopping) {
                return null;
            }
            long arrival;
            long offset;
            synchronized (schedule) {
                arrival = nextArrival++;
                offset = schedule.startNanos(arrival);
            }
            if (offset == ArrivalSchedule.END) {
                ended = true;
                return null;
            }
            long due = originNanos + offset;
            long now = System.nanoTime();
            // an overloaded client works through its backlog only while the window lasts: a start past the
            // window's end would stretch the wave beyond its bound, so it is dropped and counted instead
            boolean pastWindow = now - originNanos >= schedule.windowNanos();
            boolean warmUp = offset < countFromNanos;
            if (pastWindow || latePolicy.drop() && now - due > latePolicy.limitNanos()) {
                if (!warmUp) {
                    dropped.increment();
                    droppedHere++;
                }
                continue;
            }
            if (now < due) {
                if (!park(due)) {
                    return null;
                }
                now = System.nanoTime();
                wakeUps.increment();
                if (now - due > LATE_WAKE_UP_NANOS) {
                    lateWakeUps.increment();
                }
            } else if (stopping) {
                return null;
            }
            long lateBy = Math.max(0, now - due);
            if (keepLateness) {
                lateness.recordValue(lateBy);
            }
            if (warmUp) {
                warmUpStarts.increment();
            } else if (lateBy > PacingReport.LATE_NANOS) {
                late.increment();
                if (capReached) {
                    lateWhileCapped.increment();
                }
            }
            started.increment();
            if (now > lastStartNanos.get()) {
                lastStartNanos.set(now); // a plain write, not a contended CAS: a start or two of jitter in a report figure
            }
            mine.startOffset = now - originNanos;
            inFlightCount.increment();
            inFlightStartSum.add(mine.startOffset);
            if (keeper != null && parked.size() < margin) {
                LockSupport.unpark(keeper); // the margin ran thin: do not wait for the keeper's next look
            }
            return new Start(arrival, due, now, originEpochMicros + offset / 1000L, droppedHere, warmUp);
        }
    }

    /** Parks until {@code due}; false when the test is being stopped meanwhile. */
    private boolean park(long due) {
        Thread me = Thread.currentThread();
        // registered before the checks below: a stop the keeper announces after them finds this thread here
        parked.add(me);
        try {
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (stopping || me.isInterrupted() || (engine != null && !engine.isActive())) {
                    return false;
                }
                // once the keeper has ended (the schedule's end, or a stop), nothing wakes this thread but itself
                LockSupport.parkNanos(Math.min(wait, keeper != null && !ended ? KEPT_STOP_CHECK_NANOS : STOP_CHECK_NANOS));
            }
            // a stop that came during the last nap still counts: no start after it
            return !stopping;
        } finally {
            parked.remove(me);
        }
    }

    /** Wakes every thread parked for its start, to look whether the test is stopping. */
    private void wakeParked() {
        for (Thread t : parked) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Sizes the pool as the {@link PoolPolicy} decides, every {@link #POOL_CHECK_NANOS} and whenever a start
     * finds the margin thin. Runs on its own thread because when the server stalls every worker thread is
     * blocked and none would notice the pool running dry.
     */
    private void keepPool() {
        keeperOs = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean bean ? bean : null;
        lastLook = System.nanoTime();
        lastCpuLook = lastLook;
        // the first window has no wake-ups to judge by, and a cold client's first requests look like a stall
        // (PoolPolicy): ask the machine then too. Its load is measured from one read to the next, so read it now.
        askMachine = keeperOs != null;
        if (keeperOs != null) {
            keeperOs.getCpuLoad();
        }
        try {
            while (!ended && !stopping && engine.isActive() && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(look());
            }
        } finally {
            // the test is stopping, or the schedule has ended: the parked threads look now, not in a second
            wakeParked();
            if (poolThreads.kind() == PoolThreads.Kind.VIRTUAL) {
                log.info("Constant RPS Timer: the pool started {} platform and {} virtual threads.", startedPlatform,
                        startedVirtual);
            }
        }
    }

    /**
     * One look of the pool keeper: the pool's state, the policy's decision, acted on. Returns how long to sleep
     * before the next. A method of its own, not the body of {@link #keepPool}'s loop, so that the JIT compiles
     * it after a couple of hundred looks: a loop that goes round 10-100 times a second is compiled only after
     * 60,000 rounds (HotSpot's back-edge threshold), so the keeper ran in the interpreter through every wave.
     */
    private long look() {
        long now = System.nanoTime();
        if (now - lastCpuLook >= CPU_CHECK_NANOS) {
            // more than one parked thread in ten woke late: the threads were there, the CPU was not
            long woke = wakeUps.sumThenReset();
            long lateWoke = lateWakeUps.sumThenReset();
            saturated = lateWoke >= 2 && lateWoke * 10 > woke;
            askMachine = !saturated && woke < ENOUGH_WAKE_UPS;
            lastCpuLook = now;
        }
        int total = threads.get();
        int waiting = parked.size() + Math.max(0, total - threadsSeen.get());
        if (askMachine && waiting < margin) {
            // the machine's load costs a read of /proc (0.2-0.3 ms; five a second were a third of the keeper's
            // CPU at 50/s), so it is asked once per window, and only when the pool may grow and too few
            // threads parked to judge by
            askMachine = false;
            saturated = keeperOs != null && keeperOs.getCpuLoad() >= MACHINE_SATURATED;
        }
        long flying = inFlightCount.sum();
        long age = flying <= 0 ? 0 : Math.max(0, now - originNanos - inFlightStartSum.sum() / flying);
        double rate = profile.rateAt((now - originNanos) / 1e9);
        long startedNow = started.sum();
        PoolPolicy.Decision d = policy.decide(new PoolPolicy.Look(rate, now - lastLook, total, waiting,
                startedNow - startedAtLastLook, finished.sumThenReset(), serviceNanos.sumThenReset(), age, saturated));
        startedAtLastLook = startedNow;
        lastLook = now;
        double estimate = policy.serviceEstimateNanos();
        if (!Double.isNaN(estimate)) {
            if (!respondedInThisJvm) {
                respondedInThisJvm = true;
            }
            EARLIER_SERVICE_NANOS.put(groupName, estimate);
        }
        margin = d.margin();
        if ((d.add() > 0 || d.retire() > 0) && log.isDebugEnabled()) {
            // why the pool changed, for a run whose pool grew more than expected: -Lio.inferencebench.pacing=DEBUG
            log.debug("Constant RPS Timer pool at {} ms: {} threads, {} waiting, {} in flight (mean age {} ms), "
                    + "service estimate {} ms, CPU saturated {}: +{} -{}", (now - originNanos) / 1_000_000L, total,
                    waiting, flying, age / 1_000_000L, Math.round(estimate / 1e6), saturated, d.add(), d.retire());
        }
        if (d.add() > 0) {
            grow(d.add());
        } else if (d.retire() > 0) {
            retiring.set(d.retire());
        } else if (d.limit() == PoolPolicy.Limit.CAP && !capReached) {
            capReached = true;
            log.warn("Constant RPS Timer: all {} threads are busy and the cap is reached; starts will run "
                    + "late. Raise the " + Setting.THREAD_CAP + " if the client can take it.", maxThreads);
        } else if (d.limit() == PoolPolicy.Limit.CPU && !cpuLimited) {
            cpuLimited = true;
            log.warn("Constant RPS Timer: the CPU is saturated, so the pool stays at {} threads (Little's law "
                    + "on the recent service time); starts may run late: this client is the limit.", total);
        }
        // with the margin full, a look is only needed before the waiting threads could run out (a start that
        // finds the margin thin wakes the keeper anyway): fewer wake-ups at low rates, where they cost most
        long runOut = rate <= 0 ? MAX_LOOK_NANOS : (long) (waiting / rate * 1e9 / 2);
        return waiting < d.margin() ? POOL_CHECK_NANOS : Math.max(POOL_CHECK_NANOS, Math.min(MAX_LOOK_NANOS, runOut));
    }

    private void grow(int add) {
        grow(add, System.nanoTime() - originNanos);
    }

    /** @param sinceFirstStart time since the schedule's origin; negative before it */
    private void grow(int add, long sinceFirstStart) {
        if (add <= 0) {
            return;
        }
        // counted before they run: until its first start a new thread is a waiting thread, not a missing one
        peakThreads = Math.max(peakThreads, threads.addAndGet(add));
        int platform = PoolThreads.platformCount(poolThreads.platformFirst(), add, platformThreads.get(),
                sinceFirstStart, warmAtStart);
        // Before the schedule nothing is due, and a cold JVM's virtual threads would pin their carriers loading
        // classes (PoolThreads.PLATFORM_FIRST): there the platform share is taken whatever it costs. In a cold
        // jmeter -n at 2,000/s the budget made latency p99 126-134 ms against 72-84 without it.
        long deadline = sinceFirstStart < 0 || !warmAtStart || poolThreads.kind() == PoolThreads.Kind.PLATFORM
                ? Long.MAX_VALUE : System.nanoTime() + PoolThreads.PLATFORM_START_BUDGET_NANOS;
        int started = poolThreads.add(engine, platform, newThreadVariables, PoolThreads.Kind.PLATFORM, deadline);
        platformThreads.addAndGet(started);
        startedPlatform += started;
        if (poolThreads.kind() == PoolThreads.Kind.VIRTUAL) {
            // the rest virtual: beyond the share, past the budget, or where a platform thread could not start
            int rest = poolThreads.add(engine, add - started, newThreadVariables, PoolThreads.Kind.VIRTUAL);
            started += rest;
            startedVirtual += rest;
        }
        if (started < add) {
            threads.addAndGet(started - add);
            if (engine.isActive()) {
                LockSupport.parkNanos(POOL_CHECK_NANOS); // a start failed (logged): not again at once
            }
        }
    }

    PacingReport snapshot() {
        Histogram copy = lateness.copy();
        long startedCount = started.sum() - warmUpStarts.sum();
        long firstEpochMs = (originEpochMicros + countFromNanos / 1000L) / 1000L;
        long lastEpochMs = firstEpochMs + (lastStartNanos.get() == 0 ? 0 : (lastStartNanos.get() - originNanos) / 1_000_000L);
        return new PacingReport(startedCount, late.sum(), dropped.sum(), lateWhileCapped.sum(), copy,
                threads.get(), maxThreads, capReached, firstEpochMs, lastEpochMs, targetRps, peakThreads, cpuLimited,
                schedule.windowNanos() == Long.MAX_VALUE ? 0 : (schedule.windowNanos() - countFromNanos) / 1e9,
                threadKind().toString(),
                threadKind() == PoolThreads.Kind.VIRTUAL ? poolThreads.platformFirst() : 0);
    }
}
