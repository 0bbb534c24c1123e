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
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared clock of one Constant RPS Timer on one engine: hands each thread the next arrival of
 * the {@link ArrivalSchedule}, parks it until that arrival's intended start, counts late and dropped
 * starts, and grows the thread group when too few threads are left waiting for their start.
 */
public final class Pacer {
    private static final Logger log = LoggerFactory.getLogger(Pacer.class);

    /** Every pacer of the running test in this JVM, by timer and thread group. */
    private static final Map<Object, Pacer> PACERS = new ConcurrentHashMap<>();

    /** How often a parked thread looks whether the test is being stopped. */
    private static final long STOP_CHECK_NANOS = 100_000_000L;
    /**
     * How often the pool keeper looks at how many threads are free on its own (a start that finds the
     * margin thin wakes it at once): during a stall no start comes to wake it, and the margin of two
     * plus a quarter of the busy threads outlasts 10 ms of arrivals at any rate whose latency needs it.
     */
    private static final long POOL_CHECK_NANOS = 10_000_000L;

    private final ArrivalSchedule schedule;
    private final LatePolicy latePolicy;
    private final int maxThreads;
    private final double targetRps;
    private final AbstractThreadGroup threadGroup;
    private final StandardJMeterEngine engine;

    private final long originNanos;
    private final long originEpochMicros;
    private long nextArrival; // guarded by schedule

    private final LongAdder started = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder lateWhileCapped = new LongAdder();
    private final Histogram lateness = new ConcurrentHistogram(3);
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger threads;
    /** Threads that have asked for a start; the others are still starting up and count as waiting. */
    private final AtomicInteger threadsSeen = new AtomicInteger();
    private final ThreadLocal<Boolean> seen = new ThreadLocal<>();
    private volatile boolean ended;
    /** Set by {@link #stopStarts()}: no new start, the requests in flight finish. */
    private volatile boolean stopping;
    private final AtomicLong lastStartNanos = new AtomicLong();
    private volatile boolean capReached;
    private final Thread keeper;

    /**
     * The start a thread was given: arrival index, intended and actual start, and how many arrivals
     * the late policy dropped just before it.
     */
    public record Start(long arrival, long intendedNanos, long actualNanos, long intendedEpochMicros,
                        long droppedBefore) {
        public long latenessNanos() {
            return Math.max(0, actualNanos - intendedNanos);
        }
    }

    Pacer(ArrivalSchedule schedule, LatePolicy latePolicy, int maxThreads, double targetRps,
          AbstractThreadGroup threadGroup, StandardJMeterEngine engine) {
        this.schedule = schedule;
        this.latePolicy = latePolicy;
        this.maxThreads = maxThreads;
        this.targetRps = targetRps;
        this.threadGroup = threadGroup;
        this.engine = engine;
        this.threads = new AtomicInteger(threadGroup == null ? 1 : Math.max(1, threadGroup.getNumThreads()));
        if (threadGroup != null && engine != null) {
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

    /** Requests started so far, over every pacer of the running test (read live by progress and Ctrl-C). */
    public static long started() {
        long n = 0;
        for (Pacer p : PACERS.values()) {
            n += p.started.sum();
        }
        return n;
    }

    /**
     * Stops and forgets the pacers of the test that ended, once its report has been read, so a JVM
     * that runs many waves keeps nothing of one for the next.
     */
    public static void release() {
        reset();
    }

    /** Forgets the pacers of an earlier test in this JVM. */
    static void reset() {
        for (Pacer p : PACERS.values()) {
            p.stop();
        }
        PACERS.clear();
    }

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
        if (seen.get() == null) {
            seen.set(Boolean.TRUE);
            threadsSeen.incrementAndGet();
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
            if (pastWindow || latePolicy.drop() && now - due > latePolicy.limitNanos()) {
                dropped.increment();
                droppedHere++;
                continue;
            }
            if (now < due) {
                if (!park(due)) {
                    return null;
                }
                now = System.nanoTime();
            } else if (stopping) {
                return null;
            }
            long lateBy = Math.max(0, now - due);
            lateness.recordValue(lateBy);
            if (lateBy > PacingReport.LATE_NANOS) {
                late.increment();
                if (capReached) {
                    lateWhileCapped.increment();
                }
            }
            started.increment();
            lastStartNanos.accumulateAndGet(now, Math::max);
            if (keeper != null && needsThreads(threads.get(), idle.get())) {
                LockSupport.unpark(keeper); // the margin ran thin: do not wait for the keeper's next look
            }
            return new Start(arrival, due, now, originEpochMicros + offset / 1000L, droppedHere);
        }
    }

    /** Parks until {@code due}; false when the test is being stopped meanwhile. */
    private boolean park(long due) {
        idle.incrementAndGet();
        try {
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (stopping || Thread.currentThread().isInterrupted() || (engine != null && !engine.isActive())) {
                    return false;
                }
                LockSupport.parkNanos(Math.min(wait, STOP_CHECK_NANOS));
            }
            // a stop that came during the last nap still counts: no start after it
            return !stopping;
        } finally {
            idle.decrementAndGet();
        }
    }

    /**
     * Keeps a margin of threads waiting for their start (Little's law with headroom: a quarter of the
     * busy threads plus two). Runs on its own thread, every couple of milliseconds, because when the
     * server stalls every worker thread is blocked and none would notice the pool running dry.
     */
    private void keepPool() {
        JMeterContextService.getContext().setVariables(new JMeterVariables());
        while (!ended && !stopping && engine.isActive() && !Thread.currentThread().isInterrupted()) {
            int total = threads.get();
            int waiting = idle.get() + Math.max(0, total - threadsSeen.get());
            int wanted = wanted(total, waiting);
            if (waiting < wanted) {
                if (total >= maxThreads) {
                    if (!capReached) {
                        capReached = true;
                        log.warn("Constant RPS Timer: all {} threads are busy and the cap is reached; starts will run "
                                + "late. Raise the " + Setting.THREAD_CAP + " if the client can take it.", maxThreads);
                    }
                } else {
                    grow(Math.min(Math.max(wanted - waiting, total / 8), maxThreads - total));
                    continue;
                }
            }
            LockSupport.parkNanos(POOL_CHECK_NANOS);
        }
    }

    /** The margin of waiting threads to keep: two plus a quarter of the busy ones. */
    private static int wanted(int total, int waiting) {
        return 2 + (total - waiting + 3) / 4;
    }

    private static boolean needsThreads(int total, int waiting) {
        return waiting < wanted(total, waiting);
    }

    private void grow(int add) {
        try {
            for (int i = 0; i < add && engine.isActive(); i++) {
                // counted before it runs: until its first start it is a waiting thread, not a missing one
                threads.incrementAndGet();
                try {
                    threadGroup.addNewThread(0, engine);
                } catch (RuntimeException e) {
                    threads.decrementAndGet();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            log.warn("Constant RPS Timer could not add a thread: {}", e.toString());
            LockSupport.parkNanos(POOL_CHECK_NANOS);
        }
    }

    PacingReport snapshot() {
        Histogram copy = lateness.copy();
        long startedCount = started.sum();
        long firstEpochMs = originEpochMicros / 1000L;
        long lastEpochMs = firstEpochMs + (lastStartNanos.get() == 0 ? 0 : (lastStartNanos.get() - originNanos) / 1_000_000L);
        return new PacingReport(startedCount, late.sum(), dropped.sum(), lateWhileCapped.sum(), copy,
                threads.get(), maxThreads, capReached, firstEpochMs, lastEpochMs, targetRps);
    }
}
