package io.inferencebench.pacing;

import io.inferencebench.wave.Setting;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The most JMeter threads the elastic pool may hold. A cap of 0 in the plan means automatic: 2,000 platform
 * threads (each one a stack and a scheduler entry), or on virtual threads as many as the process's file
 * descriptors and heap allow, since a virtual thread waiting for its answer costs neither a stack nor a core.
 * Every thread can hold one connection, so a cap needs a descriptor each on top of those already open; an
 * explicit cap that does not fit is a problem to name before the wave, not a "Too many open files" in the
 * middle of it. Pure: the limits come in as figures ({@link #ofThisProcess} reads them).
 *
 * @param fdLimit  descriptors this process may open (the soft limit; HotSpot raises it to the hard limit at start)
 * @param fdOpen   descriptors open now
 * @param maxHeap  the heap's upper bound, bytes
 */
public record ThreadCap(long fdLimit, long fdOpen, long maxHeap) {
    /** The automatic cap of platform threads: what 2 cores schedule without the pool itself being the load. */
    public static final int PLATFORM_DEFAULT = 2000;
    /** Descriptors kept for everything that is not a thread's connection: jars, logs, JTL, pipes, workers. */
    static final long RESERVE = 256;
    /**
     * Heap one idle JMeter thread holds: its cloned test tree, variables and context (about 20 KB for an
     * HTTP sampler plan, measured in bench/concurrency), rounded up for plans with more elements; a quarter
     * of the heap at most goes to them.
     */
    static final long HEAP_PER_THREAD = 64 * 1024;
    /** Beyond this a single pool is no longer the client's limit worth raising: use more engines. */
    static final int MOST = 100_000;

    /** The limits of the running JVM. */
    public static ThreadCap ofThisProcess() {
        long limit = Long.MAX_VALUE;
        long open = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            limit = unix.getMaxFileDescriptorCount();
            open = unix.getOpenFileDescriptorCount();
        }
        return new ThreadCap(limit, open, Runtime.getRuntime().maxMemory());
    }

    /** The threads the descriptors left allow. */
    public long byDescriptors() {
        return fdLimit == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, fdLimit - fdOpen - RESERVE);
    }

    /** The cap for a plan's setting: {@code configured} when it is at least 1, else the automatic one. */
    public int resolve(int configured, boolean virtual) {
        if (configured >= 1) {
            return configured;
        }
        if (!virtual) {
            return (int) Math.max(1, Math.min(PLATFORM_DEFAULT, byDescriptors()));
        }
        long byHeap = maxHeap / 4 / HEAP_PER_THREAD;
        return (int) Math.max(1, Math.min(MOST, Math.min(byDescriptors(), byHeap)));
    }

    /**
     * Why {@code cap} threads do not fit this process's descriptors, as a sentence naming the numbers and the
     * fix, or {@code null} when they fit.
     */
    public String problem(int cap) {
        if (cap < 1 || cap <= byDescriptors()) {
            return null;
        }
        return String.format(Locale.ROOT, "A %s of %,d needs up to %,d file descriptors (one connection per thread, "
                        + "plus %d), but this process may open %,d and has %,d open: lower the %s to at most %,d, "
                        + "or 0 for automatic, or raise the limit (ulimit -n; LimitNOFILE= for a systemd service).",
                Setting.THREAD_CAP, cap, cap + RESERVE, RESERVE, fdLimit, fdOpen, Setting.THREAD_CAP, byDescriptors());
    }
}
