package io.inferencebench.diagnostics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.inferencebench.outcome.ClientHardwareSummary;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the client's hardware at a fixed interval from the start of a wave to its end: CPU of this
 * process and its child processes (Python workers) and of the whole machine, memory, threads, open
 * file descriptors and GC time. Reads {@code /proc} on Linux; elsewhere it falls back to the JVM's beans.
 */
public final class ClientHardware implements AutoCloseable {
    public static final String CSV_FILE = "client_hw.csv";
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    /**
     * How often the process tree is looked for again. Once a second it was still a third of this sampler's CPU
     * (the JDK reads every process's /proc/PID/stat to find the children), and the workers it finds start before a
     * wave and live through it; one started later is counted from the next look, with all its CPU so far.
     */
    private static final long TREE_NANOS = 5_000_000_000L;
    /**
     * The JVM's beans, looked up once: they live as long as the JVM, and looking them up at every sample (a list of
     * collectors built anew each time) was a seventh of this sampler's CPU.
     */
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
    private static final java.lang.management.OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    /** One sample. CPU figures are percent of one core (so 2 busy cores = 200%). */
    public record Sample(long epochMs, double processCpu, double machineCpu, double machineMemoryPercent,
                         long processRssBytes, long heapUsedBytes, int threads, long openFds, long maxFds,
                         long gcCount, long gcMillis, int childProcesses) {
    }

    private final long intervalNanos;
    private final int cores = Runtime.getRuntime().availableProcessors();
    /**
     * The machine's memory, bytes (0: unknown), read once: the JVM reads it from the cgroup's files at each call,
     * and two calls a sample were a quarter of this sampler's CPU at 100 ms.
     */
    private final long totalMemoryBytes = totalMemory();
    /**
     * The rows of client_hw.csv, written as they are sampled (to a temporary file, moved into the run
     * directory at the end), and running figures for the summary: a wave keeps nothing per sample in
     * memory, so a long soak's heap stays flat (a list of samples grew by 1 KB a second at 100 ms).
     */
    private final Rows rows;
    private final Figures processCpu = new Figures();
    private final Figures machineCpu = new Figures();
    private final Figures machineMemory = new Figures();
    private final Figures rssMb = new Figures();
    private final Figures threadCount = new Figures();
    private final Figures openFds = new Figures();
    private int count;
    private Sample last;
    private final Thread thread;
    private volatile boolean running = true;
    private final long startGcMillis;
    private final long startGcCount;

    /**
     * The Python workers and any other descendants by PID, with their /proc/PID/stat kept open ({@link ProcFile}),
     * and how many are direct children: found again every {@link #TREE_NANOS}, not at every sample (finding them
     * reads every process's /proc entry).
     */
    private Map<Long, ProcFile> descendantStats = Map.of();
    private int children;
    /** This process's and the machine's /proc files, kept open (null off Linux). */
    private final ProcFile selfStat = ProcFile.open("/proc/self/stat", 1024);
    private final ProcFile selfStatus = ProcFile.open("/proc/self/status", 4096);
    private final ProcFile machineStat = ProcFile.open("/proc/stat", 1024);
    private final ProcFile memInfo = ProcFile.open("/proc/meminfo", 1024);
    private long treeFoundNanos;

    private long lastNanos;
    private long lastProcessTicks;
    private long lastMachineBusy;
    private long lastMachineTotal;

    private ClientHardware(long intervalMillis, boolean keepRows) {
        this.rows = keepRows ? new Rows() : null;
        this.intervalNanos = Math.max(1, intervalMillis) * 1_000_000L;
        long[] gc = gc();
        startGcCount = gc[0];
        startGcMillis = gc[1];
        lastNanos = System.nanoTime();
        findTree(lastNanos);
        lastProcessTicks = processTreeTicks();
        long[] m = machineTicks();
        lastMachineBusy = m[0];
        lastMachineTotal = m[1];
        thread = new Thread(this::loop, "ib-client-hw");
        thread.setDaemon(true);
    }

    /** Starts sampling every {@code intervalMillis} on a daemon thread, for the summary only. */
    public static ClientHardware start(long intervalMillis) {
        return start(intervalMillis, false);
    }

    /** As {@link #start(long)}; with {@code keepRows}, every sample is kept for {@link #writeCsv}. */
    public static ClientHardware start(long intervalMillis, boolean keepRows) {
        ClientHardware hw = new ClientHardware(intervalMillis, keepRows);
        hw.thread.start();
        return hw;
    }

    private void loop() {
        long next = System.nanoTime() + intervalNanos;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += intervalNanos;
            record(sample());
        }
    }

    /** The last count of open and maximum descriptors, and when it was taken. */
    private long[] fds;
    private long fdsCountedNanos;

    private Sample sample() {
        long now = System.nanoTime();
        if (now - treeFoundNanos >= TREE_NANOS) {
            findTree(now);
        }
        long ticks = processTreeTicks();
        long[] m = machineTicks();
        double elapsedSeconds = (now - lastNanos) / 1e9;
        double processCpu = elapsedSeconds <= 0 || ticks < 0 ? Double.NaN
                : 100.0 * (ticks - lastProcessTicks) / CLOCK_TICKS / elapsedSeconds;
        double machineCpu = m[1] - lastMachineTotal <= 0 ? Double.NaN
                : 100.0 * cores * (m[0] - lastMachineBusy) / (double) (m[1] - lastMachineTotal);
        lastNanos = now;
        lastProcessTicks = ticks;
        lastMachineBusy = m[0];
        lastMachineTotal = m[1];

        // Counting open descriptors lists /proc/self/fd, one entry per connection: with 12,000 streams open
        // that was 85% of this sampler's CPU and a sixth of the whole client's, sampled ten times a second.
        // Descriptors change slowly; once a second is enough, the rows between repeat the last count.
        if (now - fdsCountedNanos >= 1_000_000_000L || fds == null) {
            fds = fileDescriptors();
            fdsCountedNanos = now;
        }
        long[] gc = gc();
        return new Sample(System.currentTimeMillis(), processCpu, machineCpu, machineMemoryPercent(totalMemoryBytes), rss(),
                MEMORY.getHeapMemoryUsage().getUsed(), THREADS.getThreadCount(), fds[0], fds[1],
                gc[0] - startGcCount, gc[1] - startGcMillis, children);
    }

    /** Stops sampling (the samples stay readable). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a sample still running past the join reads a closed file, and that reading counts as missing
        for (ProcFile f : new ProcFile[] {selfStat, selfStatus, machineStat, memInfo}) {
            if (f != null) {
                f.close();
            }
        }
        descendantStats.values().forEach(f -> {
            if (f != null) {
                f.close();
            }
        });
    }

    private synchronized void record(Sample s) {
        count++;
        last = s;
        processCpu.add(s.processCpu());
        machineCpu.add(s.machineCpu());
        machineMemory.add(s.machineMemoryPercent());
        rssMb.add(s.processRssBytes() / 1048576.0);
        threadCount.add(s.threads());
        openFds.add(s.openFds());
        if (rows != null) {
            rows.add(s);
        }
    }

    /** How many samples were taken so far. */
    public synchronized int sampleCount() {
        return count;
    }

    /** The last sample, or {@code null} before the first. */
    public synchronized Sample lastSample() {
        return last;
    }

    public int cores() {
        return cores;
    }

    /** The {@code client_hw} section of the outcome. */
    public synchronized ClientHardwareSummary summary() {
        return new ClientHardwareSummary(count, intervalNanos / 1_000_000L, cores, processCpu.range(),
                machineCpu.range(), machineMemory.range(), rssMb.range(), threadCount.range(), openFds.range(),
                last == null ? null : last.maxFds(), last == null ? null : last.gcCount(),
                last == null ? null : last.gcMillis());
    }

    /**
     * Writes {@code client_hw.csv}: one row per sample, in the order they were taken (started with
     * {@code keepRows}), once; the rows' temporary file is then gone.
     */
    public void writeCsv(Path file) throws IOException {
        if (rows == null) {
            throw new IllegalStateException("started without keepRows");
        }
        rows.writeTo(file);
    }

    /** Drops the kept rows (their temporary file) when they will not be written. */
    public void discardRows() {
        if (rows != null) {
            rows.discard();
        }
    }

    /** Average and maximum of one figure, without keeping its values. */
    private static final class Figures {
        private double sum;
        private double max = Double.NEGATIVE_INFINITY;
        private int n;

        void add(double v) {
            if (!Double.isNaN(v)) {
                sum += v;
                max = Math.max(max, v);
                n++;
            }
        }

        ClientHardwareSummary.Range range() {
            return n == 0 ? ClientHardwareSummary.Range.NONE
                    : new ClientHardwareSummary.Range(Math.round(sum / n * 10) / 10.0, Math.round(max * 10) / 10.0);
        }
    }

    /**
     * The CSV's rows on their way to disk: a temporary file while sampling (deleted once copied, and at
     * exit), or memory if no temporary file can be made.
     */
    private static final class Rows {
        private static final String HEADER = "epoch_ms,process_cpu_percent,machine_cpu_percent,machine_memory_percent,"
                + "process_rss_mb,heap_used_mb,threads,open_fds,max_fds,gc_count,gc_pause_ms,child_processes\n";
        private Path file;
        private BufferedWriter out;
        private StringBuilder memory;

        synchronized void add(Sample s) {
            String row = String.format(Locale.ROOT, "%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%d%n", s.epochMs(),
                    s.processCpu(), s.machineCpu(), s.machineMemoryPercent(), s.processRssBytes() / 1048576.0,
                    s.heapUsedBytes() / 1048576.0, s.threads(), s.openFds(), s.maxFds(), s.gcCount(),
                    s.gcMillis(), s.childProcesses());
            if (out == null && memory == null) {
                try {
                    file = Files.createTempFile("ib-client-hw-" + ProcessHandle.current().pid() + "-", ".csv");
                    file.toFile().deleteOnExit();
                    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                } catch (IOException | RuntimeException e) {
                    file = null;
                    memory = new StringBuilder();
                }
            }
            if (out != null) {
                try {
                    out.write(row);
                    return;
                } catch (IOException e) {
                    memory = new StringBuilder(); // the temporary file failed: the rest in memory
                    closeQuietly();
                }
            }
            memory.append(row);
        }

        synchronized void writeTo(Path target) throws IOException {
            try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                w.write(HEADER);
                if (out != null) {
                    out.flush();
                    try (java.io.Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        r.transferTo(w);
                    }
                }
                if (memory != null) {
                    w.append(memory);
                }
            } finally {
                closeQuietly();
                if (file != null) {
                    Files.deleteIfExists(file);
                    file = null;
                }
            }
        }

        synchronized void discard() {
            closeQuietly();
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // deleted at exit
                }
                file = null;
            }
            memory = null;
        }

        private void closeQuietly() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    // the rows written so far stay readable
                }
                out = null;
            }
        }
    }

    // --- readings ---------------------------------------------------------------------------------

    private void findTree(long now) {
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> found = ProcessHandle.current().descendants().toList();
        // the direct children from the same scan: ProcessHandle.children() reads every process's /proc entry again,
        // where a descendant's parent is one read of its own
        children = (int) found.stream().filter(p -> p.parent().map(parent -> parent.pid() == self).orElse(false)).count();
        Set<Long> pids = found.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        if (!pids.equals(descendantStats.keySet())) {
            Map<Long, ProcFile> stats = new HashMap<>();
            for (long pid : pids) {
                ProcFile open = descendantStats.get(pid);
                stats.put(pid, open != null ? open : ProcFile.open("/proc/" + pid + "/stat", 1024));
            }
            for (Map.Entry<Long, ProcFile> gone : descendantStats.entrySet()) {
                if (!stats.containsKey(gone.getKey()) && gone.getValue() != null) {
                    gone.getValue().close();
                }
            }
            descendantStats = stats;
        }
        treeFoundNanos = now;
    }

    /** CPU ticks of this process and its descendants as last found (Python workers), or -1 off Linux. */
    private long processTreeTicks() {
        long total = ticks(selfStat);
        if (total < 0) {
            com.sun.management.OperatingSystemMXBean os = osBean();
            return os == null ? -1 : os.getProcessCpuTime() / (1_000_000_000L / CLOCK_TICKS);
        }
        for (ProcFile stat : descendantStats.values()) {
            long t = ticks(stat);
            if (t > 0) {
                total += t;
            }
        }
        return total;
    }

    private static long ticks(ProcFile stat) {
        if (stat == null) {
            return -1;
        }
        try {
            return cpuTicks(stat.read());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User and system CPU ticks from a /proc/PID/stat line. */
    static long cpuTicks(String stat) {
        // fields after the command name, which may hold spaces and parentheses: ") S ppid ..."; utime and stime are
        // the 14th and 15th fields, the 11th and 12th numbers after the state letter
        long[] f = numbers(stat, stat.lastIndexOf(')') + 2, stat.length());
        return f[10] + f[11];
    }


    /**
     * Reads a /proc file to its end. Files.readString trusts the size the file system reports, which
     * some kernels and sandboxes give as 0 or 1 for /proc files, and then returns a truncated value.
     */
    public static String readProc(String file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Busy and total jiffies of the machine, from /proc/stat's first line ("cpu  user nice system idle iowait ..."). */
    private long[] machineTicks() {
        if (machineStat == null) {
            return new long[] {0, 0};
        }
        try {
            String stat = machineStat.read();
            int end = stat.indexOf('\n');
            long[] f = numbers(stat, stat.indexOf(' '), end < 0 ? stat.length() : end);
            long total = 0;
            for (long v : f) {
                total += v;
            }
            long idle = f[3] + (f.length > 4 ? f[4] : 0);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * The whitespace-separated numbers of {@code text} between {@code from} and {@code to}. The sampler's code runs
     * ten times a second, too rarely to be compiled: a regex split or replace, compiled at each call and run by the
     * interpreter, was much of its CPU.
     */
    static long[] numbers(String text, int from, int to) {
        long[] out = new long[16];
        int n = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                i++;
                continue;
            }
            long v = 0;
            while (i < to && (c = text.charAt(i)) >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                i++;
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = v;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The number on the line of a /proc file that starts with {@code key} (e.g. "VmRSS:"), or -1. */
    static long field(String text, String key) {
        int at = text.startsWith(key) ? 0 : text.indexOf("\n" + key);
        if (at < 0) {
            return -1;
        }
        int from = at == 0 ? key.length() : at + 1 + key.length();
        int end = text.indexOf('\n', from);
        long[] v = numbers(text, from, end < 0 ? text.length() : end);
        return v.length == 0 ? -1 : v[0];
    }

    private static long totalMemory() {
        com.sun.management.OperatingSystemMXBean os = osBean();
        return os == null ? 0 : Math.max(0, os.getTotalMemorySize());
    }

    private double machineMemoryPercent(long totalBytes) {
        if (totalBytes == 0) {
            return Double.NaN;
        }
        try {
            // MemAvailable counts reclaimable cache as free, as `free` does
            long kb = memInfo == null ? -1 : field(memInfo.read(), "MemAvailable:");
            if (kb >= 0) {
                return 100.0 * (1 - kb * 1024.0 / totalBytes);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JVM's figure
        }
        com.sun.management.OperatingSystemMXBean os = osBean();
        return os == null ? Double.NaN : 100.0 * (1 - (double) os.getFreeMemorySize() / totalBytes);
    }

    private long rss() {
        try {
            long kb = selfStatus == null ? -1 : field(selfStatus.read(), "VmRSS:");
            if (kb >= 0) {
                return kb * 1024L;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    /** Open and maximum file descriptors of this process. */
    public static long[] fileDescriptors() {
        if (OS instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            return new long[] {u.getOpenFileDescriptorCount(), u.getMaxFileDescriptorCount()};
        }
        return new long[] {-1, -1};
    }

    private static long[] gc() {
        long count = 0, millis = 0;
        for (GarbageCollectorMXBean gc : COLLECTORS) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static com.sun.management.OperatingSystemMXBean osBean() {
        return OS instanceof com.sun.management.OperatingSystemMXBean os ? os : null;
    }
}
