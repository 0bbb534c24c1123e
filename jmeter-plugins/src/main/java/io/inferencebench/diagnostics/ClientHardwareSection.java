package io.inferencebench.diagnostics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.inferencebench.outcome.ClientHardwareSummary;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.wave.WaveSection;

/**
 * The {@code client_hw} section: samples the client machine during the wave, for the client-bottleneck
 * verdict always, and, when {@code report} is set, into {@code client_hw.csv} and the
 * {@code Client CPU:} / {@code Client Memory:} lines under the RESULTS block (as the original tool).
 *
 * @param intervalMs sample interval
 * @param report     write the CSV and print the lines ({@code --sample-client-hw})
 */
public record ClientHardwareSection(long intervalMs, boolean report) implements WaveSection {

    @Override
    public Watch start(Path runDirectory) {
        ClientHardware hardware = ClientHardware.start(intervalMs, report);
        return new Watch() {
            @Override
            public WaveOutcome measured(WaveOutcome outcome) throws IOException {
                hardware.close();
                if (report) {
                    hardware.writeCsv(runDirectory.resolve(ClientHardware.CSV_FILE));
                }
                return outcome.withSection(ClientHardwareSummary.SECTION, hardware.summary());
            }

            @Override
            public List<String> resultLines(WaveOutcome outcome) {
                ClientHardwareSummary s = outcome.section(ClientHardwareSummary.SECTION);
                return report && s != null ? lines(s) : List.of();
            }

            @Override
            public void close() {
                hardware.close();
                hardware.discardRows();
            }
        };
    }

    /** The {@code Client CPU:} and {@code Client Memory:} lines. */
    static List<String> lines(ClientHardwareSummary s) {
        int cores = s.cores();
        return List.of(
                String.format(Locale.ROOT, "   Client CPU:       max = %s (%s/%d cores) | avg = %s (%s/%d cores) | machine avg = %s",
                        pct(s.processCpuPercent().max()), coresUsed(s.processCpuPercent().max()), cores,
                        pct(s.processCpuPercent().avg()), coresUsed(s.processCpuPercent().avg()), cores,
                        pct(s.machineCpuPercent().avg())),
                String.format(Locale.ROOT, "   Client Memory:    max = %s | avg = %s | client RSS max = %s MB | GC %s ms",
                        pct(s.machineMemoryPercent().max()), pct(s.machineMemoryPercent().avg()),
                        num(s.processRssMb().max()), s.gcPauseMs()));
    }

    private static String pct(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.1f%%", v);
    }

    private static String coresUsed(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.2f", v / 100);
    }

    private static String num(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.0f", v);
    }
}
