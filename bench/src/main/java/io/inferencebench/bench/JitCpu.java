package io.inferencebench.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the JIT compiler has used in this JVM so far. Twenty seconds of load are not enough for it
 * to finish compiling the request path, and it compiles whatever is hot while the run goes on, so its
 * CPU says more about the order of the runs than about the pacing: the benchmark reports it apart.
 */
final class JitCpu {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    private JitCpu() {
    }

    /**
     * Nanoseconds of CPU of the compiler threads ("C1 CompilerThre...", "C2 CompilerThre...") from
     * {@code /proc/self/task}; elsewhere the JVM's own total compilation time, which is wall time.
     */
    static long nanos() {
        if (Files.isDirectory(TASKS)) {
            long ticks = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path task : tasks) {
                    try {
                        if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            continue;
                        }
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended while we looked
                    }
                }
                return ticks * TICK_NANOS;
            } catch (IOException e) {
                // fall through
            }
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() * 1_000_000L : 0;
    }
}
