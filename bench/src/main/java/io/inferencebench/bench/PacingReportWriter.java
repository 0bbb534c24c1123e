package io.inferencebench.bench;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/** The benchmark's Markdown report: one table per rate, the stall table, and the goals checked. */
final class PacingReportWriter {
    private final PacingOptions options;
    private final LocalDateTime started;
    private final String loadBefore;
    private final String loadAfter;

    PacingReportWriter(PacingOptions options, LocalDateTime started, String loadBefore, String loadAfter) {
        this.options = options;
        this.started = started;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    String render(List<PacingRun> rateRuns, List<StallRun> stallRuns) {
        StringBuilder b = new StringBuilder();
        b.append("## Pacing benchmark, ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(started))
                .append(options.quick() ? " (quick)" : "").append("\n\n");
        b.append(String.format(Locale.ROOT,
                "%s; simulator latency %s (own process); %d s per run, the order of the rows rotating from rate to rate%s; "
                        + "%d cores; Java %s; load average (1, 5, 15 min) %s before, %s after.%n%n",
                options.plain() ? "Plain JMeter: a cold `jmeter -n -t plan.jmx` per run (stock JVM options, no warm-up; "
                        + "our plugins installed with `benchmark install`)" : "Embedded: one warmed-up JVM for every run",
                options.latency(), options.seconds(),
                options.repeat() == 1 ? "" : String.format(Locale.ROOT, " and from round to round (%d rounds per rate, "
                        + "#1 to #%d)", options.repeat(), options.repeat()),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadBefore, loadAfter));
        if (options.mechanisms().contains(Mechanism.GATLING)) {
            b.append("Gatling rows: Gatling 3.11.5 in a cold JVM of its own per row (its launcher's JVM options), "
                    + "`constantUsersPerSec(rate).during(seconds)`, one POST per user, connections shared "
                    + "(`shareConnections`), starts recorded by a hook before the request; CPU from its `before` "
                    + "to its `after` hook; threads: the JVM's peak thread count.\n\n");
        }

        for (double rate : options.rates()) {
            b.append("### ").append(Mechanism.decimal(rate)).append(" requests/s\n\n");
            b.append("| mechanism | achieved / target | per-second min / median / max | CV | CV from 2nd s | latency p50 / p99 (ms) "
                    + "| start lateness p50 / p99 / max (ms) | earliest (ms) | own record p50 / p99 / max (ms) "
                    + "| client CPU ms / 1,000 req | JIT ms / 1,000 req | threads | not OK |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
            java.util.Map<Mechanism, Integer> round = new java.util.EnumMap<>(Mechanism.class);
            for (PacingRun r : rateRuns) {
                if (r.load().rate() == rate) {
                    int n = round.merge(r.mechanism(), 1, Integer::sum);
                    b.append(row(r, options.repeat() == 1 ? "" : " #" + n)).append('\n');
                }
            }
            b.append('\n');
            if (options.repeat() > 1) {
                b.append("Client CPU ms per 1,000 requests, median of the rounds (lowest-highest):");
                String sep = " ";
                for (Mechanism m : options.mechanisms()) {
                    double[] cpu = cpu(rateRuns, m, rate);
                    if (cpu.length > 0) {
                        b.append(sep).append(m.label).append(' ').append(num(median(cpu))).append(" (")
                                .append(num(cpu[0])).append('-').append(num(cpu[cpu.length - 1])).append(')');
                        sep = "; ";
                    }
                }
                b.append(".\n\n");
            }
        }

        if (!stallRuns.isEmpty()) {
            b.append(String.format(Locale.ROOT, "### Server stall: %s requests/s, %d s run, simulator --stall %s%n%n",
                    Mechanism.decimal(options.stallRate()), options.stallWaveSeconds(), options.stall()));
            b.append("| mechanism | started in the stall / due | max service time (ms) | max latency from ideal start (ms) "
                    + "| max latency from own intended start (ms) | stall began (s into the run) | client saw the stall (start offset, length ms) | threads |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (StallRun s : stallRuns) {
                StartStatistics st = s.run().statistics();
                double[] seen = s.seenByClient();
                b.append("| ").append(s.run().mechanism().label)
                        .append(" | ").append(s.startedInStall()).append(" / ").append(s.due())
                        .append(" | ").append(num(st.maxServiceMs()))
                        .append(" | ").append(num(st.maxLatencyFromIdealMs()))
                        .append(" | ").append(Double.isNaN(st.maxLatencyFromIntendedMs()) ? "-" : num(st.maxLatencyFromIntendedMs()))
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f", (s.stallFrom() - st.firstStart()) / 1e9))
                        .append(" | ").append(String.format(Locale.ROOT, "%+.1f, %.0f", seen[0], seen[1]))
                        .append(" | ").append(s.run().threads())
                        .append(s.run().note() == null ? "" : " (" + s.run().note() + ")")
                        .append(" |\n");
            }
            long spread = stallRuns.stream().mapToLong(StallRun::uncertainty).max().orElse(0);
            double uptimeMin = stallRuns.stream().mapToLong(StallRun::uptimeEstimateOffset).min().orElse(0) / 1e6;
            double uptimeMax = stallRuns.stream().mapToLong(StallRun::uptimeEstimateOffset).max().orElse(0) / 1e6;
            b.append(String.format(Locale.ROOT, "%nThe stall window is placed from the simulator's own reading of the "
                    + "monotonic clock right after it started (its stall origin lies at most %.1f ms before that reading); "
                    + "its /metrics uptime would have placed it %+.1f to %+.1f ms off. The client-seen column is the "
                    + "longest pause between two responses, relative to that window.%n%n", spread / 1e6, uptimeMin, uptimeMax));
        }
        b.append(goals(rateRuns, stallRuns));
        return b.toString();
    }

    private static String row(PacingRun r, String round) {
        StartStatistics s = r.statistics();
        StartStatistics.Lateness late = s.lateness();
        double[] mmm = s.perSecondMinMedianMax();
        return "| " + r.mechanism().label + round
                + " | " + pct(s.achievedRatio())
                + " | " + count(mmm[0]) + " / " + count(mmm[1]) + " / " + count(mmm[2])
                + " | " + pct(s.perSecondCv())
                + " | " + pct(s.perSecondCvFrom(1))
                + " | " + num(s.latencyPercentileMs(0.50)) + " / " + num(s.latencyPercentileMs(0.99))
                + " | " + num(late.p50Ms()) + " / " + num(late.p99Ms()) + " / " + num(late.maxMs())
                + " | " + num(late.earliestMs())
                + " | " + own(r.ownLateness())
                + " | " + num(r.cpuMsPerThousand())
                + " | " + num(r.jitMsPerThousand())
                + " | " + r.threads() + (r.note() == null ? "" : " (" + r.note() + ")")
                + " | " + (r.started() - r.successful())
                + " |";
    }

    private static String own(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return "-";
        }
        return num(h.getValueAtPercentile(50) / 1e6) + " / " + num(h.getValueAtPercentile(99) / 1e6) + " / "
                + num(h.getMaxValue() / 1e6);
    }

    /** The issue's goals, checked on our timer's figures. */
    private String goals(List<PacingRun> rateRuns, List<StallRun> stallRuns) {
        StringBuilder b = new StringBuilder("### Goals (our timer)\n\n");
        for (PacingRun r : rateRuns) {
            if (r.mechanism() != Mechanism.OURS) {
                continue;
            }
            StartStatistics s = r.statistics();
            double rate = r.load().rate();
            double off = (s.achievedRatio() - 1) * 100;
            b.append(String.format(Locale.ROOT, "- %s/s: achieved %+.2f%% of target (goal within 0.5%%): %s",
                    Mechanism.decimal(rate), off, Math.abs(off) <= 0.5 ? "met" : "missed"));
            if (rate >= 500) {
                double cv = s.perSecondCv() * 100;
                b.append(String.format(Locale.ROOT, "; CV %.2f%% (goal below 3%%): %s", cv, cv < 3 ? "met" : "missed"));
            }
            double p99 = s.lateness().p99Ms();
            b.append(String.format(Locale.ROOT, "; lateness p99 %s ms against the ideal schedule (goal at most 2 ms): %s",
                    num(p99), p99 <= 2 ? "met" : "missed"));
            if (r.ownLateness() != null) {
                double own = r.ownLateness().getValueAtPercentile(99) / 1e6;
                b.append(String.format(Locale.ROOT, ", %s ms by its own record: %s", num(own), own <= 2 ? "met" : "missed"));
            }
            if (options.repeat() == 1) {
                b.append(cpuGoal(rateRuns, rate, ""));
            }
            b.append(".\n");
        }
        if (options.repeat() > 1) {
            for (double rate : options.rates()) {
                if (cpu(rateRuns, Mechanism.OURS, rate).length > 0) {
                    String goal = cpuGoal(rateRuns, rate, " (medians of " + options.repeat() + " rounds)");
                    if (!goal.isEmpty()) {
                        b.append("- ").append(Mechanism.decimal(rate)).append("/s").append(goal.substring(1)).append(".\n");
                    }
                }
            }
        }
        if (rateRuns.stream().anyMatch(r -> r.mechanism() == Mechanism.GATLING)
                && rateRuns.stream().anyMatch(r -> r.mechanism() == Mechanism.OURS)) {
            for (int from : new int[] {0, 1}) {
                double ours = highestHeld(rateRuns, Mechanism.OURS, from);
                double gatling = highestHeld(rateRuns, Mechanism.GATLING, from);
                b.append(String.format(Locale.ROOT, "- highest rate held (at least 99%% of the target in the window, per-second "
                        + "CV%s below 3%%): ours %s, Gatling %s", from == 0 ? "" : " from the 2nd second", held(ours), held(gatling)));
                if (gatling > 0) {
                    double ratio = ours / gatling;
                    b.append(String.format(Locale.ROOT, "; %.0f%% of Gatling's (goal at least 75%%): %s", ratio * 100,
                            ratio >= 0.75 ? "met" : "missed"));
                }
                b.append(".\n");
            }
        }
        for (StallRun s : stallRuns) {
            if (s.run().mechanism() == Mechanism.OURS) {
                b.append(String.format(Locale.ROOT,
                        "- stall: started %d of %d due during the stall; latency from the intended start peaks at %s ms.%n",
                        s.startedInStall(), s.due(), num(s.run().statistics().maxLatencyFromIntendedMs())));
            }
        }
        return b.toString();
    }

    /**
     * "; CPU x ms per 1,000 against y for the best JMeter row (z): met" at {@code rate}, on the medians of the
     * rounds (the run itself when there is one); empty when no JMeter alternative ran. The goal is JMeter's
     * mechanisms (issue 12); Gatling's CPU stands in its own rows.
     */
    private String cpuGoal(List<PacingRun> rateRuns, double rate, String how) {
        double ours = median(cpu(rateRuns, Mechanism.OURS, rate));
        double best = Double.MAX_VALUE;
        String bestName = null;
        for (Mechanism m : options.mechanisms()) {
            double[] cpu = cpu(rateRuns, m, rate);
            if (m != Mechanism.OURS && m.jmeter() && cpu.length > 0 && median(cpu) < best) {
                best = median(cpu);
                bestName = m.label;
            }
        }
        if (bestName == null) {
            return "";
        }
        return String.format(Locale.ROOT, "; CPU%s %s ms per 1,000 against %s for the best JMeter row (%s): %s", how,
                num(ours), num(best), bestName, ours <= best ? "met" : "missed");
    }

    /** The client CPU per 1,000 requests of {@code m}'s runs at {@code rate}, sorted. */
    static double[] cpu(List<PacingRun> runs, Mechanism m, double rate) {
        return runs.stream().filter(r -> r.mechanism() == m && r.load().rate() == rate)
                .mapToDouble(PacingRun::cpuMsPerThousand).filter(v -> !Double.isNaN(v)).sorted().toArray();
    }

    /** The median of sorted values (the mean of the middle two for an even count); NaN for none. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The highest rate at which {@code m} started at least 99% of the schedule with a per-second CV below 3%
     * (counted from second {@code fromSecond}: 1 leaves a cold JVM's first second out); 0 if none.
     */
    static double highestHeld(List<PacingRun> runs, Mechanism m, int fromSecond) {
        double best = 0;
        for (PacingRun r : runs) {
            StartStatistics s = r.statistics();
            if (r.mechanism() == m && s.achievedRatio() >= 0.99 && s.perSecondCvFrom(fromSecond) < 0.03) {
                best = Math.max(best, r.load().rate());
            }
        }
        return best;
    }

    private static String held(double rate) {
        return rate == 0 ? "none of the rates" : Mechanism.decimal(rate) + "/s";
    }

    /** A per-second count: whole, or a median half way between two. */
    static String count(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    static String pct(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    /** Two decimals below 10, one below 100, none above: as many digits as the noise deserves. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%,.0f";
        return String.format(Locale.ROOT, f, v);
    }
}
