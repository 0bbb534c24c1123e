package io.inferencebench.pacing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request-rate profile over time, in the Throughput Shaping Timer's syntax:
 * {@code const(R,T) line(R1,R2,T) step(R1,R2,S,T)}; rates per second (fractional allowed), durations
 * in seconds or with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}).
 *
 * <p>Rates and durations are kept as exact decimals so that a schedule built from them never drifts.
 */
public final class LoadProfile {
    /**
     * The highest rate a profile may ask for, all engines together: a hundred times what one JMeter client
     * can start, so only a typo (such as {@code 1e300}) meets it.
     */
    public static final BigDecimal MAX_RATE = BigDecimal.valueOf(10_000_000L);

    /** Most constant pieces one {@code step(...)} clause may expand to. */
    static final int MAX_STEPS = 100_000;

    private static final Pattern CLAUSE = Pattern.compile("\\s*([A-Za-z]+)\\s*\\(([^()]*)\\)\\s*");

    private final List<Segment> segments;
    private final String text;

    private LoadProfile(List<Segment> segments, String text) {
        this.segments = Collections.unmodifiableList(segments);
        this.text = text;
    }

    /** One piece of the profile: the rate moves linearly from {@code startRate} to {@code endRate}. */
    public record Segment(BigDecimal startRate, BigDecimal endRate, BigDecimal seconds) {
        public boolean isConstant() {
            return startRate.compareTo(endRate) == 0;
        }

        /** Expected arrivals in this segment (the area under the rate). */
        BigDecimal arrivals() {
            return startRate.add(endRate).multiply(seconds).divide(BigDecimal.valueOf(2));
        }
    }

    /** A constant rate with no end of its own (bounded by the schedule's duration or count). */
    public static LoadProfile constant(BigDecimal ratePerSecond) {
        requirePositiveRate(ratePerSecond);
        return new LoadProfile(List.of(new Segment(ratePerSecond, ratePerSecond, null)),
                "const(" + ratePerSecond.toPlainString() + ")");
    }

    public static LoadProfile constant(double ratePerSecond) {
        if (!Double.isFinite(ratePerSecond)) {
            throw new LoadProfileException("The request rate must be a finite number of requests per second, got "
                    + ratePerSecond + ".");
        }
        return constant(new BigDecimal(Double.toString(ratePerSecond)));
    }

    /** Parses a profile such as {@code "line(10,100,60) const(100,5m) step(100,200,50,30s)"}. */
    public static LoadProfile parse(String text) {
        if (text == null || text.isBlank()) {
            throw new LoadProfileException("The load profile is empty: give clauses such as "
                    + "'const(50,60) line(50,200,120)'.");
        }
        List<Segment> segments = new ArrayList<>();
        Matcher m = CLAUSE.matcher(text);
        int pos = 0;
        int clauseNo = 0;
        while (pos < text.length()) {
            if (text.substring(pos).isBlank()) {
                break;
            }
            m.region(pos, text.length());
            if (!m.lookingAt()) {
                throw new LoadProfileException("The load profile cannot be read at character " + (pos + 1)
                        + " ('" + abbreviate(text.substring(pos)) + "'): write clauses as const(R,T), line(R1,R2,T) "
                        + "or step(R1,R2,S,T), separated by spaces.");
            }
            clauseNo++;
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String clause = m.group().trim();
            String where = "clause " + clauseNo + " '" + clause + "' (character " + (m.start(1) + 1) + ")";
            String[] args = m.group(2).split(",", -1);
            switch (name) {
                case "const" -> {
                    expectArgs(args, 2, where, "const(R,T)");
                    BigDecimal r = rate(args[0], where);
                    segments.add(new Segment(r, r, duration(args[1], where)));
                }
                case "line" -> {
                    expectArgs(args, 3, where, "line(R1,R2,T)");
                    segments.add(new Segment(rate(args[0], where), rate(args[1], where), duration(args[2], where)));
                }
                case "step" -> {
                    expectArgs(args, 4, where, "step(R1,R2,S,T)");
                    BigDecimal from = rate(args[0], where);
                    BigDecimal to = rate(args[1], where);
                    BigDecimal step = rate(args[2], where);
                    BigDecimal each = duration(args[3], where);
                    if (step.signum() == 0) {
                        throw new LoadProfileException("In the load profile, " + where
                                + " has a step of 0: give a step greater than 0.");
                    }
                    if (from.subtract(to).abs().divide(step, 0, java.math.RoundingMode.FLOOR)
                            .compareTo(BigDecimal.valueOf(MAX_STEPS)) >= 0) {
                        throw new LoadProfileException("In the load profile, " + where + " makes more than "
                                + MAX_STEPS + " steps: give a larger step.");
                    }
                    BigDecimal signed = to.compareTo(from) >= 0 ? step : step.negate();
                    for (BigDecimal r = from; to.compareTo(from) >= 0 ? r.compareTo(to) <= 0 : r.compareTo(to) >= 0;
                            r = r.add(signed)) {
                        segments.add(new Segment(r, r, each));
                    }
                }
                default -> throw new LoadProfileException("In the load profile, " + where + " is not a known clause: "
                        + "use const(R,T), line(R1,R2,T) or step(R1,R2,S,T).");
            }
            pos = m.end();
        }
        BigDecimal total = segments.stream().map(Segment::seconds).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.compareTo(ArrivalSchedule.MAX_SECONDS) > 0) {
            throw new LoadProfileException("The load profile '" + text.trim() + "' lasts " + shortText(total)
                    + " s, longer than the longest wave, " + ArrivalSchedule.MAX_TEXT + ": shorten its clauses.");
        }
        if (segments.stream().allMatch(s -> s.startRate.signum() == 0 && s.endRate.signum() == 0)) {
            throw new LoadProfileException("The load profile '" + text.trim() + "' never sends a request: "
                    + "give at least one clause with a rate above 0.");
        }
        return new LoadProfile(segments, text.trim());
    }

    /** This profile with every rate divided by {@code engines}, for one of several load generators. */
    public LoadProfile perEngine(int engines) {
        if (engines < 1) {
            throw new LoadProfileException("The engine count must be at least 1, got " + engines + ".");
        }
        if (engines == 1) {
            return this;
        }
        BigDecimal n = BigDecimal.valueOf(engines);
        List<Segment> scaled = new ArrayList<>();
        for (Segment s : segments) {
            scaled.add(new Segment(divide(s.startRate, n), divide(s.endRate, n), s.seconds));
        }
        return new LoadProfile(scaled, text + " / " + engines + " engines");
    }

    private static BigDecimal divide(BigDecimal rate, BigDecimal n) {
        // 1e-12 req/s resolution: far below anything a clock can show; exact when the division terminates.
        return rate.divide(n, 12, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Total length in seconds, or {@code null} when the profile has no end of its own. */
    public BigDecimal seconds() {
        BigDecimal total = BigDecimal.ZERO;
        for (Segment s : segments) {
            if (s.seconds == null) {
                return null;
            }
            total = total.add(s.seconds);
        }
        return total;
    }

    /** Mean rate over the profile (the constant rate for an open-ended one). */
    public double meanRate() {
        BigDecimal secs = seconds();
        if (secs == null) {
            return segments.get(0).startRate.doubleValue();
        }
        BigDecimal arrivals = BigDecimal.ZERO;
        for (Segment s : segments) {
            arrivals = arrivals.add(s.arrivals());
        }
        return secs.signum() == 0 ? 0 : arrivals.doubleValue() / secs.doubleValue();
    }

    /** The planned rate {@code seconds} into the profile (the last segment's end rate past its end). */
    public double rateAt(double seconds) {
        double t = Math.max(0, seconds);
        Segment last = segments.get(segments.size() - 1);
        for (Segment s : segments) {
            if (s.seconds == null) {
                return s.startRate.doubleValue();
            }
            double len = s.seconds.doubleValue();
            if (t < len) {
                double from = s.startRate.doubleValue();
                return len == 0 ? from : from + (s.endRate.doubleValue() - from) * t / len;
            }
            t -= len;
        }
        return last.endRate.doubleValue();
    }

    /** Highest rate anywhere in the profile. */
    public double peakRate() {
        double peak = 0;
        for (Segment s : segments) {
            peak = Math.max(peak, Math.max(s.startRate.doubleValue(), s.endRate.doubleValue()));
        }
        return peak;
    }

    @Override
    public String toString() {
        return text;
    }

    private static void expectArgs(String[] args, int n, String where, String form) {
        if (args.length != n) {
            throw new LoadProfileException("In the load profile, " + where + " has " + args.length
                    + " argument(s): write it as " + form + ".");
        }
    }

    private static BigDecimal rate(String raw, String where) {
        try {
            BigDecimal r = new BigDecimal(raw.trim());
            if (r.signum() < 0) {
                throw new LoadProfileException("In the load profile, " + where + " has a negative rate " + raw.trim()
                        + ": rates are requests per second, 0 or more.");
            }
            if (r.compareTo(MAX_RATE) > 0) {
                throw new LoadProfileException("In the load profile, " + where + " has a rate of " + shortText(r)
                        + " requests per second, more than " + MAX_RATE.toPlainString() + ": give a lower rate.");
            }
            return r;
        } catch (NumberFormatException e) {
            throw new LoadProfileException("In the load profile, " + where + " has '" + raw.trim()
                    + "' where a rate (requests per second, e.g. 12.5) belongs.");
        }
    }

    private static BigDecimal duration(String raw, String where) {
        BigDecimal d;
        try {
            d = parseSeconds(raw);
        } catch (NumberFormatException e) {
            throw new LoadProfileException("In the load profile, " + where + " has '" + raw.trim()
                    + "' where a duration belongs: give seconds (e.g. 60) or a unit (500ms, 30s, 5m, 1h).");
        }
        if (d.signum() < 0) {
            throw new LoadProfileException("In the load profile, " + where + " has a negative duration "
                    + raw.trim() + ": durations must be 0 or more.");
        }
        if (d.compareTo(ArrivalSchedule.MAX_SECONDS) > 0) {
            throw new LoadProfileException("In the load profile, " + where + " lasts " + shortText(d)
                    + " s, longer than the longest wave, " + ArrivalSchedule.MAX_TEXT + ": give a shorter duration.");
        }
        return d;
    }

    /** A number for a sentence: plain when short, else in scientific notation ({@code 1E+300}). */
    static String shortText(BigDecimal d) {
        String plain = d.stripTrailingZeros().toPlainString();
        return plain.length() <= 15 ? plain
                : d.round(new java.math.MathContext(3)).stripTrailingZeros().toString();
    }

    /** Seconds from {@code 60}, {@code 1.5}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}. */
    public static BigDecimal parseSeconds(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        BigDecimal unit = BigDecimal.ONE;
        if (s.endsWith("ms")) {
            unit = new BigDecimal("0.001");
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unit = BigDecimal.valueOf(60);
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unit = BigDecimal.valueOf(3600);
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("d")) {
            unit = BigDecimal.valueOf(86400);
            s = s.substring(0, s.length() - 1);
        }
        return new BigDecimal(s.trim()).multiply(unit);
    }

    private static void requirePositiveRate(BigDecimal rate) {
        if (rate.signum() <= 0) {
            throw new LoadProfileException("The request rate must be greater than 0 requests per second, got "
                    + shortText(rate) + ".");
        }
        if (rate.compareTo(MAX_RATE) > 0) {
            throw new LoadProfileException("The request rate of " + shortText(rate) + " requests per second is more than "
                    + MAX_RATE.toPlainString() + ": give a lower rate.");
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 24 ? t : t.substring(0, 24) + "...";
    }

    static BigInteger[] fraction(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        int scale = stripped.scale();
        if (scale <= 0) {
            return new BigInteger[] {stripped.toBigIntegerExact(), BigInteger.ONE};
        }
        return new BigInteger[] {stripped.unscaledValue(), BigInteger.TEN.pow(scale)};
    }
}
