package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.List;

import io.inferencebench.outcome.Threshold;
import io.inferencebench.outcome.WaveOutcome;

/**
 * What CI gates on: the success threshold, every {@code --threshold}, and whether the client delivered
 * the load at all. A wave the client did not deliver is not a pass, whatever its figures say: exit 3,
 * unless {@code --allow-client-bottleneck} turns that into a warning.
 */
final class Gates {
    private final List<Threshold> thresholds;
    private final boolean allowClientBottleneck;

    Gates(List<Threshold> thresholds, boolean allowClientBottleneck) {
        this.thresholds = List.copyOf(thresholds);
        this.allowClientBottleneck = allowClientBottleneck;
    }

    /** The outcome with the {@code thresholds} section, when any were given. */
    WaveOutcome check(WaveOutcome outcome) {
        return thresholds.isEmpty() ? outcome
                : outcome.withSection(Threshold.Checks.SECTION, Threshold.checkAll(thresholds, outcome));
    }

    /** The lines under the RESULTS block: each threshold, and why a wave is not valid. */
    List<String> lines(WaveOutcome outcome) {
        List<String> lines = new ArrayList<>();
        Threshold.Checks checks = outcome.section(Threshold.Checks.SECTION);
        if (checks != null) {
            for (Threshold.Check c : checks.checks()) {
                lines.add("   Threshold:        " + (c.passed() ? "✓ " : "❌ ") + Threshold.describe(c));
            }
        }
        if (!outcome.clientBottleneck().valid()) {
            lines.add(allowClientBottleneck
                    ? "   Results:          client-limited (allowed by --allow-client-bottleneck): the figures understate the endpoint"
                    : "   Results:          ❌ not valid: the client limited the wave (exit 3; see the causes below)");
        }
        return lines;
    }

    /** 0 passed, 1 failed (success rate or a threshold), 3 not valid; an interruption decides elsewhere. */
    int exitCode(WaveOutcome outcome) {
        if (!outcome.clientBottleneck().valid() && !allowClientBottleneck) {
            return Benchmark.NOT_VALID;
        }
        Threshold.Checks checks = outcome.section(Threshold.Checks.SECTION);
        boolean thresholdsHeld = checks == null || checks.passed();
        return outcome.passed() && thresholdsHeld ? Benchmark.PASSED : Benchmark.FAILED;
    }
}
