package io.inferencebench.cli.search;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;

/**
 * Where the capacity search goes next, from the steps measured so far: pure and clock-free, so every
 * decision is tested with tables and no engine (as JMeter's PreciseThroughputTimer is a thin bean over
 * a pure generator).
 *
 * <p>The search ramps exponentially from the start rate (doubling, capped at the maximum) until a step
 * fails, which brackets the ceiling between the highest rate that passed and the lowest that failed above
 * it; then it narrows the bracket until the failed rate is within the precision of the passed one, and
 * answers the passed rate. Narrowing goes where the ceiling should be, and then one precision beyond it
 * to close the bracket: the ceiling should be at the throughput a failed step measured when the server
 * could not keep up (it completed markedly fewer requests per second than were sent), else where the
 * tightest constraint reaches its limit, interpolated between the bracket's ends. A step that landed on
 * the wrong side of such an estimate counts as a miss: after two, the throughput is not trusted any more
 * (a short step can sustain a little more than the server's throughput); after four, and whenever nothing
 * can be estimated, it bisects geometrically (the precision is relative). Estimates only choose where to
 * measure: the answer always rests on a step that passed and one that failed.
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
     * @param achievedRps the requests per second the server answered successfully, from its first answer to
     *                    its last ({@link CapacitySearch#departureRate}), or {@code null}
     * @param severity    its tightest constraint's measured value over its limit (below 1 it held, above 1 it
     *                    failed), or {@code null} when no constraint gives one
     */
    public record Step(double rate, boolean passed, Double achievedRps, Double severity) {
        public Step(double rate, boolean passed, Double achievedRps) {
            this(rate, passed, achievedRps, null);
        }
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
    static final String ESTIMATE = "where the limit is crossed, interpolated";
    static final String CLOSE = "one precision above the highest sustained rate";
    static final String CLOSE_BELOW = "one precision below the lowest failed rate";
    static final String BISECT = "bisect";
    /** Closing steps on the wrong side after which the throughput is no longer trusted as the ceiling. */
    static final int MISSES = 2;
    /** ... after which only bisection is left (interpolation between the bracket's ends narrows it too). */
    static final int MAX_MISSES = 4;

    public Decision next(List<Step> steps) {
        // the decisions are replayed to know why each step ran: stateless for the caller
        int misses = 0;
        String lastWhy = null;
        for (int k = 0; k < steps.size(); k++) {
            Decision d = decide(steps.subList(0, k), misses, lastWhy);
            lastWhy = d instanceof Probe p ? p.why() : null;
            boolean passed = steps.get(k).passed();
            if (CLOSE.equals(lastWhy) && passed || CLOSE_BELOW.equals(lastWhy) && !passed) {
                misses++;
            }
        }
        return decide(steps, misses, lastWhy);
    }

    /**
     * @param misses  closing steps that landed on the wrong side: the estimates were off
     * @param lastWhy why the last step ran
     */
    private Decision decide(List<Step> steps, int misses, String lastWhy) {
        if (steps.isEmpty()) {
            return new Probe(startRps, START);
        }
        Step lo = steps.stream().filter(Step::passed).max(Comparator.comparingDouble(Step::rate)).orElse(null);
        if (lo == null) {
            return new StartFails(steps.get(0).rate());
        }
        Step hi = steps.stream().filter(s -> !s.passed() && s.rate() > lo.rate())
                .min(Comparator.comparingDouble(Step::rate)).orElse(null);
        if (hi == null) {
            if (lo.rate() >= maxRps) {
                return new MaxSustained(lo.rate());
            }
            return new Probe(Math.min(round(lo.rate() * RAMP), maxRps), RAMP_UP);
        }
        if (hi.rate() <= lo.rate() * (1 + precision) * (1 + 1e-9)) {
            return new Found(lo.rate(), hi.rate());
        }
        if (misses < MAX_MISSES) {
            Step last = steps.get(steps.size() - 1);
            boolean estimated = AT_THROUGHPUT.equals(lastWhy) || ESTIMATE.equals(lastWhy);
            if (estimated && last == lo) {
                // the estimate held: the ceiling should be within one precision above it
                Probe close = close(steps, lo, hi);
                if (close != null) {
                    return close;
                }
            }
            if (estimated && last == hi) {
                Probe below = closeBelow(steps, lo, hi);
                if (below != null) {
                    return below;
                }
            }
            Double estimate = estimate(steps, lo, hi, misses < MISSES);
            if (estimate != null) {
                double at = roundDown(estimate);
                String why = throughput(steps) != null && at == roundDown(throughput(steps)) ? AT_THROUGHPUT : ESTIMATE;
                if (at <= lo.rate() * (1 + precision / 2)) {
                    Probe close = close(steps, lo, hi);
                    if (close != null) {
                        return close;
                    }
                } else if (at >= hi.rate() / (1 + precision / 2)) {
                    Probe below = closeBelow(steps, lo, hi);
                    if (below != null) {
                        return below;
                    }
                } else if (!tried(steps, at)) {
                    return new Probe(at, why);
                }
            }
        }
        double mid = round(Math.sqrt(lo.rate() * hi.rate()));
        return new Probe(mid > lo.rate() && mid < hi.rate() ? mid : (lo.rate() + hi.rate()) / 2, BISECT);
    }

    private Probe close(List<Step> steps, Step lo, Step hi) {
        double close = roundDown(lo.rate() * (1 + precision));
        return close > lo.rate() && close < hi.rate() && !tried(steps, close) ? new Probe(close, CLOSE) : null;
    }

    private Probe closeBelow(List<Step> steps, Step lo, Step hi) {
        double below = roundUp(hi.rate() / (1 + precision));
        return below > lo.rate() && below < hi.rate() && !tried(steps, below) ? new Probe(below, CLOSE_BELOW) : null;
    }

    /**
     * Where the ceiling should be: the throughput a failed step measured when the server could not keep
     * up, else the rate where the tightest constraint reaches its limit, interpolated linearly between the
     * bracket's ends; {@code null} when neither is known.
     */
    private Double estimate(List<Step> steps, Step lo, Step hi, boolean trustThroughput) {
        Double throughput = trustThroughput ? throughput(steps) : null;
        if (throughput != null && throughput < hi.rate()) {
            return throughput;
        }
        if (lo.severity() != null && hi.severity() != null && lo.severity() < 1 && hi.severity() > 1) {
            return lo.rate() + (1 - lo.severity()) / (hi.severity() - lo.severity()) * (hi.rate() - lo.rate());
        }
        return null;
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

    private static double roundUp(double rate) {
        return new BigDecimal(rate).round(new MathContext(4, RoundingMode.UP)).doubleValue();
    }
}
