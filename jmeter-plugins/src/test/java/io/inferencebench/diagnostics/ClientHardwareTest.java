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
            assertThat(summary.samples()).isEqualTo(samples);
            assertThat(hw.lastSample().maxFds()).isPositive();
            assertThat(hw.lastSample().threads()).isPositive();

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
}
