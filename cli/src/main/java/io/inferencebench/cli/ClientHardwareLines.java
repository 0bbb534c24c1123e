package io.inferencebench.cli;

import java.util.Locale;
import java.util.Map;

import io.inferencebench.diagnostics.ClientHardware;

/** The {@code Client CPU:} and {@code Client Memory:} lines of the RESULTS block (as the original tool). */
final class ClientHardwareLines {
    private ClientHardwareLines() {
    }

    static String render(ClientHardware hw) {
        Map<String, Object> s = hw.summary();
        int cores = hw.cores();
        Map<?, ?> cpu = (Map<?, ?>) s.get("process_cpu_percent");
        Map<?, ?> machine = (Map<?, ?>) s.get("machine_cpu_percent");
        Map<?, ?> mem = (Map<?, ?>) s.get("machine_memory_percent");
        Map<?, ?> rss = (Map<?, ?>) s.get("process_rss_mb");
        return String.format(Locale.ROOT,
                "   Client CPU:       max = %s (%s/%d cores) | avg = %s (%s/%d cores) | machine avg = %s%n"
                        + "   Client Memory:    max = %s | avg = %s | client RSS max = %s MB | GC %s ms",
                pct(cpu.get("max")), coresUsed(cpu.get("max")), cores, pct(cpu.get("avg")), coresUsed(cpu.get("avg")),
                cores, pct(machine.get("avg")), pct(mem.get("max")), pct(mem.get("avg")), num(rss.get("max")),
                s.get("gc_pause_ms"));
    }

    private static String pct(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.1f%%", n.doubleValue()) : "N/A";
    }

    private static String coresUsed(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.2f", n.doubleValue() / 100) : "N/A";
    }

    private static String num(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.0f", n.doubleValue()) : "N/A";
    }
}
