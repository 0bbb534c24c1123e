package io.inferencebench.cli.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.inferencebench.outcome.Threshold;
import io.inferencebench.outcome.WaveOutcome;

/**
 * Judges one step of the search from its outcome: did the endpoint sustain the rate? A step passes when
 * the success rate met its threshold, every SLO and {@code --threshold} held (latency from the intended
 * start, token percentiles), and every utilisation ceiling held. Two things make a step unusable rather
 * than failed, and stop the search: the client limited the wave (its figures do not describe the
 * endpoint), or the server counted a different number of requests than the client fired. Pure: it reads
 * the outcome and nothing else.
 */
final class StepJudge {
    /** Counts that differ by at most this share of what was fired (or {@link #COUNT_SLACK}) agree. */
    static final double COUNT_TOLERANCE = 0.02;
    /** Requests a count may differ by whatever the share: a request at a window's edge. */
    static final long COUNT_SLACK = 2;

    /** {@code --max-utilization METRIC=LIMIT}: the metric's mean over the step must not exceed the limit. */
    record Ceiling(String metric, double limit) {
        String text() {
            return metric + "<=" + number(limit);
        }
    }

    /** What a step came to. */
    enum Kind {
        PASS("✓ sustained"), FAIL("✗ not sustained"), CLIENT_LIMITED("client-limited"),
        COUNT_DISAGREES("server count disagrees"), INTERRUPTED("interrupted");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * @param reasons     each constraint that failed, or why the step is unusable, as said to the user
     * @param counted     the requests the server counted, or {@code null} when no counter was measured
     * @param utilization each ceiling's metric and its mean over the step ({@code null}: not measured)
     * @param severity    the tightest constraint's measured value over its limit (above 1: broken), for the
     *                    search to interpolate where the limit is crossed; {@code null} when none gives one
     */
    record Verdict(Kind kind, List<String> reasons, ServerFigures.Counted counted, Map<String, Double> utilization,
                   Double severity) {
    }

    private final List<Ceiling> ceilings;
    private final String serverCountMetric;

    StepJudge(List<Ceiling> ceilings, String serverCountMetric) {
        this.ceilings = List.copyOf(ceilings);
        this.serverCountMetric = serverCountMetric;
    }

    Verdict judge(WaveOutcome o) {
        ServerFigures.Counted counted = ServerFigures.requestsCounted(o, serverCountMetric);
        Map<String, Double> utilization = new LinkedHashMap<>();
        for (Ceiling c : ceilings) {
            utilization.put(c.metric(), ServerFigures.mean(o, c.metric()));
        }
        if (o.interrupted()) {
            return new Verdict(Kind.INTERRUPTED, List.of("stopped by a signal before its end"), counted, utilization, null);
        }
        if (!o.clientBottleneck().valid()) {
            List<String> causes = o.clientBottleneck().causes().stream().filter(WaveOutcome.Verdict.Cause::invalidates)
                    .map(c -> c.cause() + (c.figure() == null ? "" : " (" + c.figure() + ")")).toList();
            return new Verdict(Kind.CLIENT_LIMITED, causes, counted, utilization, null);
        }
        long sent = sent(o);
        if (counted != null && disagree(sent, counted.requests())) {
            return new Verdict(Kind.COUNT_DISAGREES, List.of(String.format(Locale.ROOT,
                    "the server counted %s requests (%s) where the client fired %d", number(counted.requests()),
                    counted.metric(), sent) + (sent == o.fired() ? "" : " (" + (sent - o.fired()) + " of them in the "
                    + "warm-up)")), counted, utilization, null);
        }
        List<String> reasons = new ArrayList<>();
        Severity severity = new Severity();
        severity.shareFailed(1 - o.successRate(), 1 - o.successThreshold());
        if (!o.passed()) {
            reasons.add(String.format(Locale.ROOT, "success rate %s%% < %s%%", number(100 * o.successRate()),
                    number(100 * o.successThreshold())));
        }
        Threshold.Checks checks = o.section(Threshold.Checks.SECTION);
        if (checks != null) {
            for (Threshold.Check c : checks.checks()) {
                severity.of(c);
                if (!c.passed()) {
                    reasons.add(describe(c));
                }
            }
        }
        for (Ceiling c : ceilings) {
            Double mean = utilization.get(c.metric());
            if (mean != null && c.limit() > 0) {
                severity.add(mean / c.limit());
            }
            if (mean == null) {
                reasons.add(c.metric() + " not measured (no server metric of that name with an average)");
            } else if (mean > c.limit()) {
                reasons.add(c.metric() + " " + number(mean) + " > " + number(c.limit()));
            }
        }
        return new Verdict(reasons.isEmpty() ? Kind.PASS : Kind.FAIL, reasons, counted, utilization, severity.max);
    }

    /** The largest measured/limit ratio over the constraints, each turned so that above 1 means broken. */
    private static final class Severity {
        Double max;

        void add(double ratio) {
            if (!Double.isNaN(ratio)) {
                max = max == null ? ratio : Math.max(max, ratio);
            }
        }

        /** A share that may fail ({@code 1 - success_rate}) against the share allowed. */
        void shareFailed(double failed, double allowed) {
            if (allowed > 0) {
                add(failed / allowed);
            }
        }

        void of(Threshold.Check c) {
            if (c.measured() == null || c.limit() == null) {
                return;
            }
            Threshold t = Threshold.parse(c.threshold());
            double m = c.measured();
            double l = c.limit();
            if (t.figure().equals("success_rate")) {
                shareFailed(1 - m, 1 - l);
            } else if ((t.op() == Threshold.Op.LT || t.op() == Threshold.Op.LE) && l > 0) {
                add(m / l);
            } else if ((t.op() == Threshold.Op.GT || t.op() == Threshold.Op.GE) && m > 0) {
                add(l / m);
            }
        }
    }

    /**
     * The requests the endpoint was sent over the server metrics' window: the step's and its warm-up's (the
     * window covers both, so that its counter is read where no request is in flight).
     */
    static long sent(WaveOutcome o) {
        io.inferencebench.outcome.WarmUp w = o.section(io.inferencebench.outcome.WarmUp.SECTION);
        return o.fired() + (w == null ? 0 : w.started());
    }

    static boolean disagree(long fired, double counted) {
        return Math.abs(counted - fired) > Math.max(COUNT_SLACK, COUNT_TOLERANCE * fired);
    }

    /** A failed threshold as a constraint: {@code p99 from intended start 512 ms > 500 ms}. */
    static String describe(Threshold.Check c) {
        Threshold t = Threshold.parse(c.threshold());
        String name = name(t.figure());
        if (c.measured() == null) {
            return name + " not measured (" + c.threshold() + ")";
        }
        boolean time = t.figure().contains(".") && !t.figure().startsWith("success");
        String unit = time ? " ms" : "";
        return name + " " + number(c.measured()) + unit + " " + broken(t.op()) + " "
                + (c.limit() == null ? "?" : number(c.limit()) + unit);
    }

    /** How a figure reads in a sentence: {@code from_intended.p99} is "p99 from intended start". */
    static String name(String figure) {
        int dot = figure.indexOf('.');
        if (dot < 0) {
            return figure.replace('_', ' ');
        }
        String stat = figure.substring(dot + 1);
        return switch (figure.substring(0, dot)) {
            case "from_intended" -> stat + " from intended start";
            case "latency" -> stat + " latency";
            case "ttft" -> "TTFT " + stat;
            case "ttst" -> "time to second token " + stat;
            case "itl" -> "ITL " + stat;
            case "request_latency" -> "request latency " + stat;
            case "lateness" -> "start lateness " + stat;
            case "queue" -> "client queue time " + stat;
            default -> figure;
        };
    }

    /** The comparison that holds when {@code op} does not. */
    private static String broken(Threshold.Op op) {
        return switch (op) {
            case LT -> ">=";
            case LE -> ">";
            case GT -> "<=";
            case GE -> "<";
            case EQ -> "!=";
        };
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(Math.abs(v) >= 100 ? 4 : 3))
                .stripTrailingZeros().toPlainString();
    }
}
