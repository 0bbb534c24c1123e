package io.inferencebench.cli.search;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Where the capacity search goes next, from the steps measured so far: pure and clock-free, so every
 * decision is tested with tables and no engine (as JMeter's PreciseThroughputTimer is a thin bean over
 * a pure generator).
 *
 * <p>The search ramps exponentially from the start rate (doubling, capped at the maximum) until a step
 * fails, which brackets the ceiling between the highest rate that passed and the lowest that failed above
 * it; then it narrows the bracket until the failed rate is within the precision of the passed one, and
 * answers the passed rate. Narrowing bisects geometrically (the precision is relative), with one shortcut
 * that saves waves: a step that failed because the server could not keep up (it completed markedly fewer
 * requests per second than were sent) measured the server's throughput, so the next step goes to
 * that throughput, and when it passes (or a rate above it passed already, as a short step can), the one
 * after goes one precision above the highest passed rate to close the bracket.
 * The shortcut only chooses where to measure: the answer always rests on a step that passed and one that
 * failed.
 */
public final class SearchPolicy {
    /** How much the ramp multiplies the rate by while every step passes. */
    static final double RAMP = 2;

    private final double startRps;
    private final double maxRps;
    private final double precision;

    /**
     * @param precision the bracket's relative width at which the search stops, e.g. 0.05 for 5%
     */
    public SearchPolicy(double startRps, double maxRps, double precision) {
        if (!(startRps > 0 && maxRps >= startRps && precision > 0 && precision < 1)) {
            throw new IllegalArgumentException("start " + startRps + ", max " + maxRps + ", precision " + precision);
        }
        this.startRps = startRps;
        this.maxRps = maxRps;
        this.precision = precision;
    }

    /**
     * One finished step.
     *
     * @param rate        the client rate it was asked for
     * @param passed      every constraint held (a client-limited step never gets here: it stops the search)
     * @param achievedRps the requests per second the server completed ({@code server_rps}), or {@code null}
     */
    public record Step(double rate, boolean passed, Double achievedRps) {
    }

    /** What the search does next. */
    public sealed interface Decision permits Probe, Found, StartFails, MaxSustained {
    }

    /** Run a step at {@code rate}; {@code why} is said in the progress line. */
    public record Probe(double rate, String why) implements Decision {
    }

    /** The bracket is narrow enough: {@code rate} passed, {@code failedRate} (within the precision above) failed. */
    public record Found(double rate, double failedRate) implements Decision {
    }

    /** Even the start rate failed: there is nothing below it to answer. */
    public record StartFails(double rate) implements Decision {
    }

    /** The maximum rate passed: the ceiling is above what the search was allowed to try. */
    public record MaxSustained(double rate) implements Decision {
    }

    static final String START = "start";
    static final String RAMP_UP = "ramp";
    static final String AT_THROUGHPUT = "at the throughput the server reached";
    static final String CLOSE = "close the bracket above the server's throughput";
    static final String BISECT = "bisect";

    public Decision next(List<Step> steps) {
        // the decisions are replayed to know whether a closing step already passed: stateless for the caller
        boolean closePassed = false;
        for (int k = 0; k < steps.size(); k++) {
            if (decide(steps.subList(0, k), closePassed) instanceof Probe p && p.why().equals(CLOSE)
                    && steps.get(k).passed()) {
                closePassed = true;
            }
        }
        return decide(steps, closePassed);
    }

    /**
     * @param closePassed a step that closed the bracket one precision above the server's throughput passed:
     *                    that throughput was not the ceiling, so only bisection is left
     */
    private Decision decide(List<Step> steps, boolean closePassed) {
        if (steps.isEmpty()) {
            return new Probe(startRps, START);
        }
        double lo = steps.stream().filter(Step::passed).mapToDouble(Step::rate).max().orElse(Double.NaN);
        if (Double.isNaN(lo)) {
            return new StartFails(steps.get(0).rate());
        }
        double hi = steps.stream().filter(s -> !s.passed() && s.rate() > lo).mapToDouble(Step::rate).min()
                .orElse(Double.NaN);
        if (Double.isNaN(hi)) {
            if (lo >= maxRps) {
                return new MaxSustained(lo);
            }
            return new Probe(Math.min(round(lo * RAMP), maxRps), RAMP_UP);
        }
        if (hi <= lo * (1 + precision) * (1 + 1e-9)) {
            return new Found(lo, hi);
        }
        Double throughput = throughput(steps);
        if (throughput != null && !closePassed) {
            double at = probeAt(throughput);
            if (at > lo * (1 + precision / 2) && at < hi && !tried(steps, at)) {
                return new Probe(at, AT_THROUGHPUT);
            }
            double close = roundDown(lo * (1 + precision));
            if (at <= lo * (1 + precision / 2) && close > lo && close < hi && !tried(steps, close)) {
                return new Probe(close, CLOSE);
            }
        }
        double mid = round(Math.sqrt(lo * hi));
        return new Probe(mid > lo && mid < hi ? mid : (lo + hi) / 2, BISECT);
    }

    /**
     * The lowest throughput a failed step measured while falling markedly short of its rate (the server
     * could not keep up), or {@code null} when no step did.
     */
    private Double throughput(List<Step> steps) {
        Double lowest = null;
        for (Step s : steps) {
            if (!s.passed() && s.achievedRps() != null && s.achievedRps() < s.rate() * (1 - precision)
                    && (lowest == null || s.achievedRps() < lowest)) {
                lowest = s.achievedRps();
            }
        }
        return lowest;
    }

    private static double probeAt(double throughput) {
        return roundDown(throughput);
    }

    private static boolean tried(List<Step> steps, double rate) {
        return steps.stream().anyMatch(s -> s.rate() == rate);
    }

    /** Four significant digits: rates that read well and stay well inside any bracket the search narrows. */
    static double round(double rate) {
        return new BigDecimal(rate).round(new MathContext(4, RoundingMode.HALF_EVEN)).doubleValue();
    }

    private static double roundDown(double rate) {
        return new BigDecimal(rate).round(new MathContext(4, RoundingMode.DOWN)).doubleValue();
    }
}
