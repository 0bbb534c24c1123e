package io.inferencebench.diagnostics;

import io.inferencebench.outcome.ClientHardwareSummary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampling the real machine: a busy thread and a busy child process show up in the client's CPU. */
class ClientHardwareTest {
    @TempDir
    Path dir;

    @Test
    void cpuOfThisProcessAndItsChildProcessesIsSampledAtTheInterval() throws Exception {
        Process child = new ProcessBuilder("python3", "-c", "import time\nt=time.time()\nwhile time.time()-t<0.8: pass").start();
        long started = System.nanoTime();
        try (ClientHardware hw = ClientHardware.start(20, true)) {
            long end = System.nanoTime() + 800_000_000L;
            double sink = 0;
            while (System.nanoTime() < end) {
                sink += Math.sqrt(sink + 1);
            }
            assertThat(sink).isPositive();
            child.waitFor();
            Thread.sleep(60);
            hw.close();
            long expected = (System.nanoTime() - started) / 20_000_000L;
            int samples = hw.sampleCount();
            assertThat((long) samples).isBetween(expected / 2, expected + 2);
            ClientHardwareSummary summary = hw.summary();
            // this thread and the Python child each keep a core busy: well over one core at peak
            assertThat(summary.processCpuPercent().max()).isGreaterThan(100.0);
            // and the machine saw them: its busy share of /proc/stat's first line, in percent of one core
            assertThat(summary.machineCpuPercent().max()).isGreaterThan(100.0)
                    .isLessThanOrEqualTo(100.0 * Runtime.getRuntime().availableProcessors() + 0.001);
            // this JVM's resident memory, as /proc/self/status's VmRSS says: more than the heap it has used
            assertThat(hw.lastSample().processRssBytes()).isGreaterThan(hw.lastSample().heapUsedBytes());
            assertThat(summary.samples()).isEqualTo(samples);
            assertThat(hw.lastSample().maxFds()).isPositive();
            assertThat(hw.lastSample().threads()).isPositive();
            // the Python child, found when sampling began (the tree is looked for again every 5 s)
            assertThat(hw.lastSample().childProcesses()).isEqualTo(1);
            // the machine's memory in use, as `free` reckons it (MemAvailable counts as free), against its total
            long availableKb = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemAvailable:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElseThrow();
            long totalBytes = ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            assertThat(hw.lastSample().machineMemoryPercent())
                    .isCloseTo(100.0 * (1 - availableKb * 1024.0 / totalBytes), org.assertj.core.api.Assertions.within(2.0));

            // the rows went to a temporary file as they were taken, and are moved into the CSV whole
            hw.writeCsv(dir.resolve(ClientHardware.CSV_FILE));
            List<String> csv = Files.readAllLines(dir.resolve(ClientHardware.CSV_FILE));
            assertThat(csv.get(0)).startsWith("epoch_ms,process_cpu_percent,machine_cpu_percent");
            assertThat(csv).hasSize(samples + 1);
            double maxCpu = csv.stream().skip(1).mapToDouble(r -> Double.parseDouble(r.split(",")[1])).max().orElseThrow();
            assertThat(maxCpu).isCloseTo(summary.processCpuPercent().max(), org.assertj.core.api.Assertions.within(0.051));
            try (var temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(temp.map(Path::getFileName).map(Path::toString))
                        .as("no temporary rows file left").noneMatch(n -> n.startsWith("ib-client-hw-" + ProcessHandle.current().pid() + "-"));
            }
        }
    }

    @Test
    void procFilesAreReadNumberByNumber() {
        String stat = "cpu  4705 356 584 3699 23 0 7 0 0 0\ncpu0 1393 280 290 1799 14 0 3 0 0 0\nintr 114930548 113199788 3\n";
        assertThat(ClientHardware.numbers(stat, 3, stat.indexOf('\n'))).containsExactly(4705, 356, 584, 3699, 23, 0, 7, 0, 0, 0);
        String status = "Name:\tjava\nVmPeak:\t 5161248 kB\nVmRSS:\t  612344 kB\nThreads:\t42\n";
        assertThat(ClientHardware.field(status, "VmRSS:")).isEqualTo(612344);
        assertThat(ClientHardware.field(status, "Name:")).isEqualTo(-1); // no number on that line
        assertThat(ClientHardware.field("MemTotal:       24579076 kB\nMemAvailable:   22871804 kB", "MemAvailable:"))
                .isEqualTo(22871804);
        assertThat(ClientHardware.field("MemTotal: 1 kB", "MemAvailable:")).isEqualTo(-1);
        // a pid's stat: the command may hold spaces and parentheses; a negative field (tpgid -1) is one number
        String pid = "4242 (python3 (worker) x) S 1 4242 4242 0 -1 4194560 1180 0 0 0 37 12 0 0 20 0 1 0";
        assertThat(ClientHardware.cpuTicks(pid)).as("utime + stime, the 14th and 15th fields").isEqualTo(37 + 12);
    }
}
