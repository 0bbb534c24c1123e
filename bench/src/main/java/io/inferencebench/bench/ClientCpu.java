package io.inferencebench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU the client spent: this JVM and every process it started (the Python workers, anything they
 * start), except the processes named as not the client (the simulator in its own JVM, and its
 * children). A process that ends between two readings takes its CPU with it, so measure around waves
 * whose workers live through them.
 */
final class ClientCpu {
    private final Set<Long> notClient;

    /** @param notClient process ids whose trees are not the client's */
    ClientCpu(long... notClient) {
        this.notClient = java.util.Arrays.stream(notClient).boxed().collect(Collectors.toSet());
    }

    /** CPU time (user + system) of the client's processes so far, ns. */
    long nanos() {
        long total = cpu(ProcessHandle.current());
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (!notClient.contains(child.pid())) {
                total += cpu(child) + child.descendants().mapToLong(ClientCpu::cpu).sum();
            }
        }
        return total;
    }

    /** The JVM's part alone, ns. */
    static long jvmNanos() {
        return cpu(ProcessHandle.current());
    }

    private static long cpu(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** The 1-minute load average, or NaN where /proc is absent. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy CPU time of the whole machine so far (all cores; /proc/stat), ns; 0 where /proc is absent. */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 1_000_000_000L / 100; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Waits, up to {@code maxSeconds}, until the 1-minute load average is at most {@code quiet}: waves on a
     * machine others are using measure them too. Returns the load average it started the wave with.
     */
    static double waitForQuiet(double quiet, double maxSeconds) throws InterruptedException {
        long until = System.nanoTime() + (long) (maxSeconds * 1e9);
        double load = loadAverage();
        while (!(load <= quiet) && System.nanoTime() < until) {
            Thread.sleep(2000);
            load = loadAverage();
        }
        return load;
    }
}
