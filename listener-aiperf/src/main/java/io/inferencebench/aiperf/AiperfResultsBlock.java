package io.inferencebench.aiperf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.WaveOutcome;

/**
 * The {@code RESULTS — aiperf} block: the wave block's layout (fired, duration, server RPS, total,
 * success rate) with aiperf's figures, then its token figures (avg, p50, p99), so the two blocks read
 * side by side.
 */
public final class AiperfResultsBlock {
    private AiperfResultsBlock() {
    }

    /** The block's lines; {@code threshold} is the wave's success threshold (0-1). */
    public static List<String> render(AiperfReport r, double threshold) {
        List<String> lines = new ArrayList<>();
        lines.add("RESULTS — aiperf");
        lines.add("----------------");
        if (!r.ok()) {
            lines.add("   aiperf failed: " + r.error());
            return lines;
        }
        lines.add("   Total requests fired: " + count(r.fired()));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "   Duration:         %ss", r.durationS() == null ? "N/A"
                : String.format(Locale.ROOT, "%.1f", r.durationS())));
        lines.add("   Server RPS:       " + (r.serverRps() == null ? "N/A" : rate(r.serverRps())) + " req/s");
        Long total = r.completed() == null || r.failed() == null ? r.completed() : r.completed() + r.failed();
        lines.add("   Total requests:   " + count(total));
        if (r.successRate() != null) {
            boolean passed = r.successRate() >= threshold;
            lines.add(String.format(Locale.ROOT, "   Success rate:     %.1f%% (%s, %s target)", r.successRate() * 100,
                    passed ? "✓ passed" : "❌ failed", percent(threshold)));
        } else {
            lines.add("   Success rate:     N/A");
        }
        distribution(lines, "TTFT (ms):", r.metric("time_to_first_token"));
        distribution(lines, "ITL (ms):", r.metric("inter_token_latency"));
        distribution(lines, "Latency (ms):", r.metric("request_latency"));
        AiperfReport.Metric tput = r.metric("output_token_throughput");
        if (tput != null && tput.avg() != null) {
            lines.add("   Output tokens:    " + rate(tput.avg()) + " tok/s");
        }
        for (WaveOutcome.ErrorCount e : r.errors().subList(0, Math.min(5, r.errors().size()))) {
            if (e == r.errors().get(0)) {
                lines.add("   Errors:");
            }
            lines.add(String.format(Locale.ROOT, "     %6d x %s", e.count(), e.message()));
        }
        return lines;
    }

    private static void distribution(List<String> lines, String name, AiperfReport.Metric m) {
        if (m != null && m.avg() != null) {
            lines.add(String.format(Locale.ROOT, "   %-18savg %s | p50 %s | p99 %s", name, two(m.avg()), two(m.p50()),
                    two(m.p99())));
        }
    }

    private static String count(Long n) {
        return n == null ? "N/A" : n.toString();
    }

    private static String two(Double v) {
        return v == null ? "N/A" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String rate(double r) {
        return r >= 100 || r == Math.rint(r) ? String.format(Locale.ROOT, "%.1f", r)
                : String.format(Locale.ROOT, "%.2f", r);
    }

    private static String percent(double fraction) {
        double p = fraction * 100;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }
}
