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
 * How the elastic pool starts a JMeter thread. On Java 21+ with JMeter's own Thread Group it runs the JMeter
 * thread on a <em>virtual</em> thread: a request that waits for its answer then holds no platform thread, so
 * ten thousand streams in flight cost memory, not two thousand stacks and a scheduler. Elsewhere (Java 17, a
 * third-party thread group, {@code -Jib.threads=platform}) it asks the group for a thread, as JMeter does.
 *
 * <p>JMeter 5.6's {@code ThreadGroup} creates its {@code Thread}s in a private method, so the virtual path does
 * what {@code ThreadGroup.addNewThread} does, through its fields: it makes the JMeter thread with the group's
 * own {@code makeThread}, sets its scheduler times, registers the pair in the group's thread map (so that
 * stopping and waiting for the test see it) and starts it. Those members are looked up once per class; if
 * any is missing (another JMeter version) the pool says so once and uses platform threads.
 */
final class PoolThreads {
    private static final Logger log = LoggerFactory.getLogger(PoolThreads.class);

    /** {@code -Jib.threads=platform} (or the system property) keeps platform threads on Java 21+: to compare, or for a plan that needs them. */
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

    private PoolThreads(AbstractThreadGroup group, Kind kind) {
        this.group = group;
        this.kind = kind;
    }

    /** The way threads are started for {@code group}: virtual when the JVM, the group and the setting allow. */
    static PoolThreads of(AbstractThreadGroup group) {
        return new PoolThreads(group, kindFor(group,
                JMeterUtils.getPropDefault(KIND_PROPERTY, System.getProperty(KIND_PROPERTY, "auto"))));
    }

    /** Whether this JVM can run virtual threads at all (Java 21+). */
    static boolean virtualAvailable() {
        return VIRTUAL != null;
    }

    static Kind kindFor(AbstractThreadGroup group, String setting) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (s.equals("platform") || VIRTUAL == null || ACCESS == null) {
            return Kind.PLATFORM;
        }
        // only JMeter's own group (and its subclasses that keep its thread map, such as setUp/tearDown groups)
        return group != null && ThreadGroup.class.isAssignableFrom(group.getClass()) ? Kind.VIRTUAL : Kind.PLATFORM;
    }

    Kind kind() {
        return kind;
    }

    /** How long after the first start the pool may still add platform threads for the cold start. */
    static final long COLD_START_NANOS = 2_000_000_000L;
    /** The most platform threads the cold start adds on a virtual pool; beyond, threads are virtual at once. */
    static final int COLD_START_PLATFORM_MAX = 256;

    /**
     * How many of the {@code add} threads the pool is about to add start as platform threads: a virtual pool
     * adds platform threads until the first request
     * has completed (at most {@link #COLD_START_NANOS} after the first start, at most
     * {@link #COLD_START_PLATFORM_MAX} of them), because a cold JVM's first requests load the sampler's classes
     * all at once, and a virtual thread that waits for a class another thread is loading stays pinned to its
     * carrier (one per core). In plain JMeter, whose class loader locks itself while it reads a jar, a cold
     * {@code jmeter -n} on Java 25 at 500/s hung so in 1 run of 11: both carriers pinned waiting for the loader,
     * whose holder waited for a jar's lock held by a virtual thread that had no carrier left. In 3 more, and in a
     * cold GUI run, its requests took 1-3 s while the carriers were pinned, which the pool read as a stalled
     * server and grew to 412-1,813 threads. Once the first request has completed its path is loaded. A request
     * completed by an earlier pacer of the JVM counts too (the benchmark command's warm-up wave, an earlier run in
     * the GUI or on a remote engine): such a JVM is not cold, and its pool is virtual from the first thread.
     *
     * A platform pool gets 0: all its threads are platform threads anyway.
     *
     * @param responded          a request has completed, in this pacer or an earlier one of the JVM
     * @param sinceFirstStart    time since the schedule's origin, negative before it
     * @param coldPlatformAdded  platform threads the cold start added so far
     */
    static int coldStartPlatform(Kind configured, int add, boolean responded, long sinceFirstStart,
                                 int coldPlatformAdded) {
        boolean cold = configured == Kind.VIRTUAL && !responded && sinceFirstStart < COLD_START_NANOS;
        return cold ? Math.max(0, Math.min(add, COLD_START_PLATFORM_MAX - coldPlatformAdded)) : 0;
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
        JMeterContext ctx = JMeterContextService.getContext();
        JMeterVariables own = ctx.getVariables();
        ctx.setVariables(variables);
        int n = 0;
        try {
            for (; n < count && engine.isActive(); n++) {
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
