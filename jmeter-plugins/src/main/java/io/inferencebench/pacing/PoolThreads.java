package io.inferencebench.pacing;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.threads.AbstractThreadGroup;
import org.apache.jmeter.threads.JMeterContext;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterThread;
import org.apache.jmeter.threads.JMeterThreadMonitor;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.threads.ListenerNotifier;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jmeter.util.JMeterUtils;
import org.apache.jorphan.collections.ListedHashTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the elastic pool starts a JMeter thread. On Java 21+ with JMeter's own Thread Group, beyond its first
 * {@link #PLATFORM_FIRST} threads, it runs the JMeter thread on a <em>virtual</em> thread: a request that waits
 * for its answer then holds no platform thread, so ten thousand streams in flight cost memory, not two thousand
 * stacks and a scheduler. Its first threads, and all of them elsewhere (Java 17, a third-party thread group,
 * {@code -Jib.threads=platform}), it asks the group for, as JMeter does.
 *
 * <p>JMeter 5.6's {@code ThreadGroup} creates its {@code Thread}s in a private method, so the virtual path does
 * what {@code ThreadGroup.addNewThread} does, through its fields: it makes the JMeter thread with the group's
 * own {@code makeThread}, sets its scheduler times, registers the pair in the group's thread map (so that
 * stopping and waiting for the test see it) and starts it. Those members are looked up once per class; if
 * any is missing (another JMeter version) the pool says so once and uses platform threads.
 */
final class PoolThreads {
    private static final Logger log = LoggerFactory.getLogger(PoolThreads.class);

    /**
     * {@code -Jib.threads=platform} (or the system property) keeps platform threads on Java 21+: to compare, or for a
     * plan that needs them; {@code virtual} runs every thread the pool adds on a virtual thread; a number N runs the
     * first N on platform threads, then virtual ones; {@code auto} (the default) is {@link #PLATFORM_FIRST}.
     */
    static final String KIND_PROPERTY = "ib.threads";

    /** What the run used, as {@code summary.json} and the RESULTS block name it. */
    enum Kind {
        VIRTUAL, PLATFORM;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Java 21+'s virtual-thread factory, or {@code null}; built once (the build targets Java 17). */
    private static final ThreadFactory VIRTUAL = virtualThreadFactory();
    /** The members of JMeter's ThreadGroup the virtual path needs, or {@code null} when this JMeter lacks one. */
    private static final GroupAccess ACCESS = GroupAccess.find();

    private final AbstractThreadGroup group;
    private final Kind kind;
    private final int platformFirst;

    private PoolThreads(AbstractThreadGroup group, Kind kind, int platformFirst) {
        this.group = group;
        this.kind = kind;
        this.platformFirst = kind == Kind.PLATFORM ? Integer.MAX_VALUE : platformFirst;
    }

    /** The way threads are started for {@code group}: virtual when the JVM, the group and the setting allow. */
    static PoolThreads of(AbstractThreadGroup group) {
        String setting = JMeterUtils.getPropDefault(KIND_PROPERTY, System.getProperty(KIND_PROPERTY, "auto"));
        return new PoolThreads(group, kindFor(group, setting), platformFirstFor(setting));
    }

    /**
     * How many platform threads a virtual pool starts with for a setting: {@code auto} (or none)
     * {@link #PLATFORM_FIRST}, {@code virtual} none, a number that many (an unreadable setting: auto).
     */
    static int platformFirstFor(String setting) {
        String s = normalized(setting);
        if (s.equals("virtual")) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return PLATFORM_FIRST;
        }
    }

    /** Whether this JVM can run virtual threads at all (Java 21+). */
    static boolean virtualAvailable() {
        return VIRTUAL != null;
    }

    /** The {@code ib.threads} setting as both readers compare it: trimmed, lower case, {@code auto} when unset. */
    private static String normalized(String setting) {
        return setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    }

    static Kind kindFor(AbstractThreadGroup group, String setting) {
        String s = normalized(setting);
        if (s.equals("platform") || VIRTUAL == null || ACCESS == null) {
            return Kind.PLATFORM;
        }
        // only JMeter's own group (and its subclasses that keep its thread map, such as setUp/tearDown groups)
        return group != null && ThreadGroup.class.isAssignableFrom(group.getClass()) ? Kind.VIRTUAL : Kind.PLATFORM;
    }

    Kind kind() {
        return kind;
    }

    /**
     * How many of a virtual pool's threads run on platform threads before it starts virtual ones
     * ({@code -Jib.threads=auto}, the default).
     *
     * <p>Per request a virtual thread costs more CPU than a platform thread where the pool is a few hundred
     * threads: each blocking read parks it, registers its socket with the JDK's poller and wakes it through the
     * carriers' scheduler, where a platform thread blocks in the kernel. A cold {@code jmeter -n} on Java 25 (the
     * pacing benchmark's plain mode, 50 ms answers, two rounds) read 366 and 247 CPU ms per 1,000 requests at 500
     * and 2,000/s on virtual threads, 311 and 177 on platform threads, against the Precise Throughput Timer's
     * 285-300 and 163-172 in the same runs. Against slow answers the difference vanishes (500/s of 1.5 s streams,
     * 730 in flight: 0.97 ms a request either way), and only virtual threads hold thousands in flight. So the
     * pool's first 256 threads are platform threads and the rest virtual, which also keeps a cold JVM's first
     * requests off virtual threads: they load the sampler's classes all at once, and a virtual thread that waits
     * for a class another thread is loading stays pinned to its carrier (in plain JMeter, whose class loader
     * locks itself while it reads a jar, a cold {@code jmeter -n} at 500/s on an all-virtual pool hung so in 1
     * run of 11, docs/pacing.md).
     */
    static final int PLATFORM_FIRST = 256;

    /**
     * The longest one look of the pool's keeper spends starting platform threads once the schedule runs; the rest
     * of its growth starts as virtual threads. A platform thread's start waits for the OS to run the new thread:
     * about 0.1 ms on a quiet machine, 2-3 ms on a busy one, where a ramp of 256 one after the other held the
     * keeper for half a second and the starts due meanwhile went out late (a wave of 1.5 s streams at 500/s, whose
     * pool grows to 950 in its first 2 s: per-second CV 4.4% with 64 platform threads first on a machine at load
     * 3-4). Within this budget a look's platform threads delay no start by more than about 2 ms. Only in a warm
     * JVM (a request paced in it had completed when the pacer began): a cold one takes its platform share whatever it costs, since its
     * virtual threads would pin their carriers loading classes (above); with the budget there, a cold
     * {@code jmeter -n} at 2,000/s read latency p99 126-134 ms against 72-84 without it.
     */
    static final long PLATFORM_START_BUDGET_NANOS = 2_000_000L;

    /**
     * How many of the {@code add} threads the pool is about to add start as platform threads, with
     * {@code platformLive} of its threads on platform threads now: those that keep them within
     * {@code platformFirst}.
     */
    static int platformShare(int platformFirst, int add, int platformLive) {
        return Math.max(0, Math.min(add, platformFirst - platformLive));
    }

    /**
     * How long a cold JVM's pool starts no virtual thread at all, from the schedule's first arrival: beyond the
     * platform share too, its growth then starts platform threads. A cold {@code jmeter -n} at 3,000/s (a pool of 190
     * at the start, 300-800 at its peak) hung in 1 run of 6 on a busy machine: the log stopped 0.5 s in, as the first
     * threads beyond the share started virtual while the JVM was still loading classes (the pinning above). Five runs
     * on a quiet machine held the rate (60,000 of 60,000 each), with 61-459 virtual threads. One second, not more:
     * each platform thread a cold JVM starts costs 1-2 ms, and with a 2 s window a cold first wave of 9.5 s streams
     * at 300/s started 492-601 of them, its first 3 s then holding 475-846 starts more than 10 ms late (a remote
     * engine, a GUI) against 6-218 with 252.
     */
    static final long COLD_START_NANOS = 1_000_000_000L;

    /**
     * How many of the {@code add} threads the pool is about to add start as platform threads: the share
     * ({@link #platformShare}), or all of them during a cold JVM's first {@link #COLD_START_NANOS}.
     *
     * @param sinceFirstStart time since the schedule's first arrival, negative before it
     * @param warmJvm         a request paced in this JVM had completed when this pool's pacer began
     */
    static int platformCount(int platformFirst, int add, int platformLive, long sinceFirstStart, boolean warmJvm) {
        if (platformFirst > 0 && !warmJvm && sinceFirstStart < COLD_START_NANOS) {
            return Math.max(0, add);
        }
        return platformShare(platformFirst, add, platformLive);
    }

    /** How many threads this pool runs on platform threads before virtual ones (all of them on a platform pool). */
    int platformFirst() {
        return platformFirst;
    }

    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = isVirtualHandle();

    private static java.lang.invoke.MethodHandle isVirtualHandle() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    java.lang.invoke.MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null; // Java 17-20: no virtual threads
        }
    }

    /** {@code Thread.isVirtual()} where the JVM has it (the build targets Java 17); once per thread, not per request. */
    static boolean isVirtual(Thread thread) {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invoke(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Starts {@code count} more JMeter threads of {@code threadKind} (platform on a platform pool) in the group,
     * now, each with a copy of {@code variables}, and returns how many started: fewer when the test stops
     * meanwhile or a start fails (logged).
     *
     * <p>JMeter hands a new thread the variables of the thread that starts it. For its own threads that is the
     * engine's thread, which holds the Test Plan's and the User Defined Variables; for the pool's it was the
     * keeper, whose context was empty, so {@code ${host}} reached the threads it added as text (38% of the
     * requests of a 2,000/s plan failed). For the duration of the call the caller's context holds
     * {@code variables} instead of its own.
     */
    int add(StandardJMeterEngine engine, int count, JMeterVariables variables, Kind threadKind) {
        return add(engine, count, variables, threadKind, Long.MAX_VALUE);
    }

    /**
     * As {@link #add(StandardJMeterEngine, int, JMeterVariables, Kind)}, but platform threads only until
     * {@code System.nanoTime()} passes {@code deadline} (at least one is started): the caller starts the rest as
     * virtual threads.
     */
    int add(StandardJMeterEngine engine, int count, JMeterVariables variables, Kind threadKind, long deadline) {
        JMeterContext ctx = JMeterContextService.getContext();
        JMeterVariables own = ctx.getVariables();
        ctx.setVariables(variables);
        int n = 0;
        try {
            for (; n < count && engine.isActive() && (n == 0 || deadline == Long.MAX_VALUE
                    || System.nanoTime() - deadline < 0); n++) {
                if (kind == Kind.PLATFORM || threadKind == Kind.PLATFORM) {
                    group.addNewThread(0, engine);
                } else {
                    ACCESS.startVirtual((ThreadGroup) group, engine);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Constant RPS Timer could not add a thread: {}", e.toString());
        } finally {
            ctx.setVariables(own);
        }
        return n;
    }

    /** The JDK's setting for how many platform threads ("carriers") run the virtual threads; read once, at the first. */
    static final String CARRIERS_PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    /**
     * How many carriers the virtual threads get: the JVM's own setting when it was given one
     * ({@code -Djdk.virtualThreadScheduler.parallelism=N}), else twice the cores. The JDK's default, one per
     * core, leaves the JMeter threads behind on a busy machine: a carrier is a platform thread like the stream
     * reader, the collector, the compiler and the endpoint's own threads, and the OS shares the cores among all
     * of them, so while it runs another thread a carrier's queued virtual threads wait, and a virtual thread
     * that has run is not preempted in favour of one that is due. On 2 cores, 2,500 req/s of 50 ms answers
     * (the concurrency benchmark's short part, the simulator on the same machine): per-second CV 2.46% and 5.65%
     * with 2 carriers against 0.03% with 4 (platform threads 0.03-0.05%), client CPU 0.318 against 0.361 ms per
     * request (platform 0.291-0.307).
     */
    static int carriers(int cores, String configured) {
        if (configured != null) {
            try {
                int n = Integer.parseInt(configured.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the JDK ignores it too: ours then
            }
        }
        return 2 * Math.max(1, cores);
    }

    private static ThreadFactory virtualThreadFactory() {
        if (Runtime.version().feature() >= 21 && System.getProperty(CARRIERS_PROPERTY) == null) {
            // before the first virtual thread, when the JDK's scheduler reads it
            System.setProperty(CARRIERS_PROPERTY,
                    Integer.toString(carriers(Runtime.getRuntime().availableProcessors(), null)));
        }
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
            return (ThreadFactory) factory.invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // Java 17-20: platform threads
        }
    }

    /** The private members of JMeter 5.6's {@code ThreadGroup} that starting a thread needs. */
    private record GroupAccess(Field allThreads, Field addThreadLock, Field groupNumber, Field notifier,
                               Field tree, Method makeThread, Method scheduleThread) {

        static GroupAccess find() {
            try {
                Class<ThreadGroup> g = ThreadGroup.class;
                GroupAccess access = new GroupAccess(open(g.getDeclaredField("allThreads")),
                        open(g.getDeclaredField("addThreadLock")), open(g.getDeclaredField("groupNumber")),
                        open(g.getDeclaredField("notifier")), open(g.getDeclaredField("threadGroupTree")),
                        open(AbstractThreadGroup.class.getDeclaredMethod("makeThread", StandardJMeterEngine.class,
                                JMeterThreadMonitor.class, ListenerNotifier.class, int.class, int.class,
                                ListedHashTree.class, org.apache.jmeter.threads.JMeterVariables.class)),
                        open(g.getDeclaredMethod("scheduleThread", JMeterThread.class, long.class)));
                return Map.class.isAssignableFrom(access.allThreads.getType()) ? access : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                if (VIRTUAL != null) {
                    log.warn("Constant RPS Timer: this JMeter's Thread Group is not the one virtual threads were built "
                            + "for ({}); the pool uses platform threads.", e.toString());
                }
                return null;
            }
        }

        private static <T extends java.lang.reflect.AccessibleObject> T open(T member) {
            member.setAccessible(true);
            return member;
        }

        /** What {@code ThreadGroup.addNewThread} does, with a virtual thread. */
        @SuppressWarnings("unchecked")
        void startVirtual(ThreadGroup group, StandardJMeterEngine engine) {
            try {
                long now = System.currentTimeMillis();
                int number;
                synchronized (addThreadLock.get(group)) {
                    number = group.getNumThreads();
                    group.setNumThreads(number + 1);
                }
                JMeterThread jmThread = (JMeterThread) makeThread.invoke(group, engine, group,
                        notifier.get(group), groupNumber.getInt(group), number,
                        AbstractThreadGroup.cloneTree((ListedHashTree) tree.get(group)),
                        JMeterContextService.getContext().getVariables());
                scheduleThread.invoke(group, jmThread, now);
                Thread thread = VIRTUAL.newThread(jmThread);
                thread.setName(jmThread.getThreadName());
                ((Map<JMeterThread, Thread>) allThreads.get(group)).put(jmThread, thread);
                thread.start();
                JMeterContextService.addTotalThreads(1);
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
