package io.inferencebench.outcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferencebench.input.UserInputProblem;

/**
 * A limit on one figure of a wave's outcome, such as {@code latency.p99<500ms},
 * {@code from_intended.p99<800ms}, {@code ttft.p90<300ms}, {@code success_rate>=0.99} or
 * {@code client_rps>=0.99*target}. The one
 * syntax of {@code --threshold} (a CI gate), of SLOs for goodput and of the capacity search.
 *
 * <p>Grammar: {@code FIGURE OP VALUE}, where OP is one of {@code < <= > >= ==}, and VALUE is a number with
 * an optional unit ({@code ms}, {@code s}, {@code %}) or a factor of {@code target} ({@code 0.99*target}).
 * Times are compared in milliseconds. A figure the wave did not measure fails its threshold: a gate
 * that cannot be checked is not a pass.
 *
 * @param figure     the figure's name, as written
 * @param op         the comparison
 * @param value      the limit in the figure's own unit (ms for times), or the factor of the target rate
 * @param ofTarget   the limit is {@code value} times the wave's target rate
 */
public record Threshold(String text, String figure, Op op, double value, boolean ofTarget) {

    /** The comparisons a threshold may use. */
    public enum Op {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("==");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public boolean holds(double measured, double limit) {
            return switch (this) {
                case LT -> measured < limit;
                case LE -> measured <= limit;
                case GT -> measured > limit;
                case GE -> measured >= limit;
                case EQ -> measured == limit;
            };
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            throw new IllegalStateException(symbol);
        }
    }

    /** A threshold checked against an outcome: what was measured ({@code null}: not measured) and whether it held. */
    public record Check(String threshold, Double measured, Double limit, boolean passed) {
    }

    /** The result of every {@code --threshold} of a wave: a section of the outcome. */
    public record Checks(boolean passed, List<Check> checks) {
        public static final SectionKey<Checks> SECTION = new SectionKey<>("thresholds", Checks.class);

        public Checks {
            checks = List.copyOf(checks);
        }
    }

    /** A threshold that cannot be read: one sentence naming the problem and the fix. */
    public static final class Invalid extends IllegalArgumentException implements UserInputProblem {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([a-z_][a-z0-9_.]*)\\s*(<=|>=|==|<|>)\\s*(?:([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*\\*\\s*target"
                    + "|([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|%)?)\\s*");

    /** The figures a threshold may name, each read from an outcome; times in ms. */
    private static final Map<String, Function<WaveOutcome, Double>> FIGURES = figures();

    private static Map<String, Function<WaveOutcome, Double>> figures() {
        Map<String, Function<WaveOutcome, Double>> f = new LinkedHashMap<>();
        f.put("success_rate", o -> o.successRate());
        f.put("client_rps", o -> o.clientRps());
        f.put("server_rps", o -> o.serverRps());
        f.put("fired", o -> (double) o.fired());
        f.put("failed", o -> (double) o.failed());
        f.put("late_starts", o -> (double) o.lateStarts());
        f.put("dropped_starts", o -> (double) o.droppedStarts());
        distribution(f, "latency", WaveOutcome::latencyMs);
        distribution(f, "from_intended", WaveOutcome::latencyFromIntendedMs);
        distribution(f, "lateness", WaveOutcome::latenessMs);
        distribution(f, "queue", WaveOutcome::queueMs);
        // an LLM wave's token figures (the tokens section), so an SLO such as ttft.p90<300ms is a threshold too
        distribution(f, "ttft", o -> tokens(o, TokenMetrics::timeToFirstTokenMs));
        distribution(f, "ttst", o -> tokens(o, TokenMetrics::timeToSecondTokenMs));
        distribution(f, "itl", o -> tokens(o, TokenMetrics::interTokenLatencyMs));
        distribution(f, "request_latency", o -> tokens(o, TokenMetrics::requestLatencyMs));
        f.put("output_token_throughput", o -> o.section(TokenMetrics.SECTION) == null ? null
                : o.section(TokenMetrics.SECTION).outputTokenThroughput());
        f.put("goodput", o -> o.section(TokenMetrics.SECTION) == null ? null : o.section(TokenMetrics.SECTION).goodput());
        return Map.copyOf(f);
    }

    private static void distribution(Map<String, Function<WaveOutcome, Double>> f, String name,
                                     Function<WaveOutcome, Stats> stats) {
        f.put(name + ".mean", o -> stats.apply(o) == null ? null : stats.apply(o).mean());
        f.put(name + ".min", o -> stats.apply(o) == null ? null : stats.apply(o).min());
        f.put(name + ".p50", o -> stats.apply(o) == null ? null : stats.apply(o).p50());
        f.put(name + ".p90", o -> stats.apply(o) == null ? null : stats.apply(o).p90());
        f.put(name + ".p99", o -> stats.apply(o) == null ? null : stats.apply(o).p99());
        f.put(name + ".max", o -> stats.apply(o) == null ? null : stats.apply(o).max());
    }

    private static Stats tokens(WaveOutcome o, Function<TokenMetrics, Stats> stats) {
        TokenMetrics t = o.section(TokenMetrics.SECTION);
        return t == null ? null : stats.apply(t);
    }

    /** Reads {@code text}; throws {@link Invalid} naming what is wrong and what would be right. */
    public static Threshold parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Invalid("Threshold '" + text + "' is not FIGURE OP VALUE: write e.g. 'latency.p99<500ms', "
                    + "'success_rate>=0.99' or 'client_rps>=0.99*target'.");
        }
        String figure = m.group(1);
        boolean time = figure.contains(".") && !figure.startsWith("success");
        if (!FIGURES.containsKey(figure)) {
            throw new Invalid("Threshold '" + text + "' names the unknown figure '" + figure + "': use one of "
                    + String.join(", ", FIGURES.keySet().stream().sorted().toList()) + ".");
        }
        Op op = Op.of(m.group(2));
        if (m.group(3) != null) {
            if (!figure.endsWith("_rps")) {
                throw new Invalid("Threshold '" + text + "' compares " + figure + " with the target rate: only "
                        + "client_rps and server_rps are rates.");
            }
            return new Threshold(text.trim(), figure, op, Double.parseDouble(m.group(3)), true);
        }
        double value = Double.parseDouble(m.group(4));
        String unit = m.group(5);
        if (unit != null && (unit.equals("ms") || unit.equals("s")) && !time) {
            throw new Invalid("Threshold '" + text + "' gives " + figure + " a time unit, but it is not a time: "
                    + "drop the unit.");
        }
        if ("s".equals(unit)) {
            value *= 1000;
        } else if ("%".equals(unit)) {
            if (!figure.equals("success_rate")) {
                throw new Invalid("Threshold '" + text + "' gives " + figure + " a percentage: only success_rate is "
                        + "a share.");
            }
            value /= 100;
        }
        return new Threshold(text.trim(), figure, op, value, false);
    }

    /**
     * A limit on one request's own figure in the same syntax, {@code FIGURE OP TIME} ({@code ttft<300ms}):
     * what a goodput SLO is. The caller says which figures a request has.
     *
     * @param valueMs the limit in milliseconds (a bare number is milliseconds)
     */
    public record RequestLimit(String figure, Op op, double valueMs) {
        /** Reads one limit; {@code figures} are the names a request has. */
        public static RequestLimit parse(String text, java.util.Set<String> figures) {
            Matcher m = SYNTAX.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
            if (!m.matches() || m.group(4) == null || "%".equals(m.group(5)) || !figures.contains(m.group(1))) {
                throw new Invalid("SLO '" + text + "' is not FIGURE OP TIME with a figure of "
                        + String.join(", ", new java.util.TreeSet<>(figures)) + ": write e.g. 'ttft<300ms'.");
            }
            double value = Double.parseDouble(m.group(4)) * ("s".equals(m.group(5)) ? 1000 : 1);
            return new RequestLimit(m.group(1), Op.of(m.group(2)), value);
        }

        public boolean holds(double measuredMs) {
            return op.holds(measuredMs, valueMs);
        }
    }

    /** This threshold against an outcome. */
    public Check check(WaveOutcome outcome) {
        Double measured = FIGURES.get(figure).apply(outcome);
        Double limit = ofTarget ? (outcome.targetRps() == null ? null : value * outcome.targetRps()) : value;
        boolean passed = measured != null && limit != null && op.holds(measured, limit);
        return new Check(text, measured, limit, passed);
    }

    /** Every threshold against an outcome. */
    public static Checks checkAll(List<Threshold> thresholds, WaveOutcome outcome) {
        List<Check> checks = thresholds.stream().map(t -> t.check(outcome)).toList();
        return new Checks(checks.stream().allMatch(Check::passed), checks);
    }

    /** A failed check as printed: {@code latency.p99<500ms failed: measured 612.0 (limit 500.0)}. */
    public static String describe(Check c) {
        return c.threshold() + (c.passed() ? " passed" : " failed") + ": measured "
                + (c.measured() == null ? "nothing (not measured in this wave)" : format(c.measured()))
                + (c.limit() == null ? "" : ", limit " + format(c.limit()));
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.format(Locale.ROOT, "%.0f", v)
                : new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
