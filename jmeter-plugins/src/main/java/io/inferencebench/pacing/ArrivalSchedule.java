package io.inferencebench.pacing;

import io.inferencebench.wave.Setting;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * When each request of a wave should start: arrival {@code k} (0, 1, 2, ...) maps to an intended
 * start in nanoseconds after the wave's start. Pure and clock-free, so it can be checked exactly.
 *
 * <p>Uniform arrivals put arrival {@code k} where the profile's cumulative rate reaches {@code k}; on a
 * constant rate that is exactly {@code floor(k * 1e9 / rate)} ns, computed from {@code k} itself in
 * integer arithmetic, so a 24-hour schedule neither drifts nor rounds to whole milliseconds. Poisson
 * arrivals put arrival {@code k} where the cumulative rate reaches the {@code k}-th point of a seeded
 * unit-rate Poisson process (a time change), so they follow the same profile.
 *
 * <p>Not thread-safe: the timer that shares one schedule between threads hands arrivals out under a lock.
 */
public final class ArrivalSchedule {
    /** Returned for an arrival beyond the schedule's end (its duration, count or profile). */
    public static final long END = -1L;

    private static final BigInteger NANOS = BigInteger.valueOf(1_000_000_000L);

    /**
     * The longest wave: 30 days. Far beyond any benchmark, and far below where intended starts in
     * nanoseconds (a long) would overflow, so a typo such as {@code 1e300} is named instead of failing deep
     * in the arithmetic.
     */
    public static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(30L * 24 * 3600);

    /** {@link #MAX_SECONDS} for a sentence: "30 days (2592000 s)". */
    public static final String MAX_TEXT = "30 days (" + MAX_SECONDS.toPlainString() + " s)";

    /** How arrivals are spread in time. */
    public enum Arrivals {
        UNIFORM, POISSON;

        public static Arrivals parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "", "uniform", "constant" -> UNIFORM;
                case "poisson" -> POISSON;
                default -> throw new LoadProfileException("Unknown arrivals '" + text + "': use uniform or poisson.");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Piece[] pieces;
    private final Arrivals arrivals;
    private final long seed;
    private final long durationNanos;
    private final long maxArrivals;

    private int lastPiece;
    private SplittableRandom random;
    private long poissonK = -1;
    private double poissonPoint;

    private ArrivalSchedule(Piece[] pieces, Arrivals arrivals, long seed, long durationNanos, long maxArrivals) {
        this.pieces = pieces;
        this.arrivals = arrivals;
        this.seed = seed;
        this.durationNanos = durationNanos;
        this.maxArrivals = maxArrivals;
    }

    /**
     * @param durationSeconds bound on intended starts ({@code null}: none beyond the profile's own length)
     * @param maxArrivals     bound on the number of arrivals ({@code <= 0}: none)
     */
    public static ArrivalSchedule of(LoadProfile profile, Arrivals arrivals, long seed,
                                     BigDecimal durationSeconds, long maxArrivals) {
        if (durationSeconds != null && durationSeconds.signum() < 0) {
            throw new LoadProfileException("The wave duration must not be negative, got "
                    + durationSeconds.toPlainString() + " s.");
        }
        if (durationSeconds == null && maxArrivals <= 0 && profile.seconds() == null) {
            throw new LoadProfileException("The wave has no end: give a " + Setting.DURATION + " or a "
                    + Setting.NUMBER_OF_REQUESTS + ", or both (whichever comes first ends it).");
        }
        if (durationSeconds != null && durationSeconds.compareTo(MAX_SECONDS) > 0) {
            throw new LoadProfileException("The wave duration of " + LoadProfile.shortText(durationSeconds)
                    + " s is longer than the longest wave, " + MAX_TEXT + ": give a shorter duration.");
        }
        if (profile.seconds() != null && profile.seconds().compareTo(MAX_SECONDS) > 0) {
            throw new LoadProfileException("The load profile '" + profile + "' lasts "
                    + LoadProfile.shortText(profile.seconds()) + " s, longer than the longest wave, " + MAX_TEXT
                    + ": shorten its clauses.");
        }
        List<LoadProfile.Segment> segments = profile.segments();
        Piece[] pieces = new Piece[segments.size()];
        BigDecimal startSeconds = BigDecimal.ZERO;
        BigDecimal cumulative = BigDecimal.ZERO;
        for (int i = 0; i < pieces.length; i++) {
            LoadProfile.Segment s = segments.get(i);
            pieces[i] = new Piece(s, startSeconds, cumulative);
            if (s.seconds() != null) {
                startSeconds = startSeconds.add(s.seconds());
                cumulative = cumulative.add(s.arrivals());
            }
        }
        long duration = durationSeconds == null ? Long.MAX_VALUE
                : durationSeconds.multiply(BigDecimal.valueOf(1_000_000_000L))
                        .setScale(0, RoundingMode.CEILING).longValueExact();
        ArrivalSchedule schedule = new ArrivalSchedule(pieces, arrivals, seed, duration,
                maxArrivals <= 0 ? Long.MAX_VALUE : maxArrivals);
        if (schedule.startNanos(0) == END) {
            // a run that sends nothing would still look like a finished wave: refuse it up front
            boolean bounded = durationSeconds != null;
            throw new LoadProfileException("The load profile '" + profile + "' starts no request"
                    + (bounded ? " within the duration of " + LoadProfile.shortText(durationSeconds) + " s" : "")
                    + ": give it a clause with a rate above 0 that lasts more than 0 s"
                    + (bounded ? " and begins within the duration" : "") + ", e.g. const(10,60).");
        }
        return schedule;
    }

    /** A constant-rate uniform schedule: the common case. */
    public static ArrivalSchedule constant(double ratePerSecond, BigDecimal durationSeconds, long maxArrivals) {
        return of(LoadProfile.constant(ratePerSecond), Arrivals.UNIFORM, 0, durationSeconds, maxArrivals);
    }

    /** Intended start of arrival {@code k} in ns after the wave's start, or {@link #END}. */
    public long startNanos(long k) {
        if (k < 0 || k >= maxArrivals) {
            return END;
        }
        long t;
        if (arrivals == Arrivals.UNIFORM) {
            Piece p = pieceFor(k);
            t = p == null ? END : p.exactStart(k);
        } else {
            double x = poissonPoint(k);
            Piece p = pieceFor(x);
            t = p == null ? END : p.approximateStart(x);
        }
        return t == END || t >= durationNanos ? END : t;
    }

    /**
     * Where the wave's window closes, in ns after its start ({@code Long.MAX_VALUE} when only a request
     * count or the profile's own end bounds it): no start may happen after it, however late the client is.
     */
    public long windowNanos() {
        return durationNanos;
    }

    public Arrivals arrivals() {
        return arrivals;
    }

    private double poissonPoint(long k) {
        if (random == null || k < poissonK) {
            random = new SplittableRandom(seed);
            poissonK = -1;
            poissonPoint = 0;
        }
        while (poissonK < k) {
            poissonPoint += -Math.log(1.0 - random.nextDouble());
            poissonK++;
        }
        return poissonPoint;
    }

    private Piece pieceFor(double cumulative) {
        // Arrivals are asked for in order almost always: start from the last piece used.
        int i = cumulative >= pieces[lastPiece].cumulativeStart ? lastPiece : 0;
        for (; i < pieces.length; i++) {
            Piece p = pieces[i];
            if (cumulative < p.cumulativeEnd && p.cumulativeEnd > p.cumulativeStart) {
                lastPiece = i;
                return p;
            }
        }
        return null;
    }

    /** One profile segment with what is needed to invert its cumulative rate. */
    private static final class Piece {
        final long startNanos;
        final long endNanos;
        final double cumulativeStart;
        final double cumulativeEnd;
        final double rate;
        final double slope; // d(rate)/dt / 2, per second squared
        final boolean constant;
        // exact constant-rate inversion: t = startNanos + floor((k * den - num) * a / b)
        final long cumNum;
        final long cumDen;
        final long a;
        final long b;
        final BigInteger bigA;
        final BigInteger bigB;
        final BigInteger bigCumNum;
        final BigInteger bigCumDen;
        final boolean fitsInLong;

        Piece(LoadProfile.Segment s, BigDecimal startSeconds, BigDecimal cumulative) {
            this.startNanos = nanos(startSeconds);
            this.endNanos = s.seconds() == null ? Long.MAX_VALUE : nanos(startSeconds.add(s.seconds()));
            this.cumulativeStart = cumulative.doubleValue();
            this.cumulativeEnd = s.seconds() == null ? Double.POSITIVE_INFINITY
                    : cumulative.add(s.arrivals()).doubleValue();
            this.rate = s.startRate().doubleValue();
            this.constant = s.isConstant();
            this.slope = s.seconds() == null || constant ? 0
                    : (s.endRate().doubleValue() - rate) / (2 * s.seconds().doubleValue());
            BigInteger[] cum = LoadProfile.fraction(cumulative);
            BigInteger[] r = LoadProfile.fraction(s.startRate().signum() == 0 ? BigDecimal.ONE : s.startRate());
            this.bigCumNum = cum[0];
            this.bigCumDen = cum[1];
            this.bigA = r[1].multiply(NANOS);
            this.bigB = cum[1].multiply(r[0]);
            this.fitsInLong = bigA.bitLength() < 63 && bigB.bitLength() < 63 && bigCumNum.bitLength() < 63
                    && bigCumDen.bitLength() < 31;
            this.cumNum = bigCumNum.longValue();
            this.cumDen = bigCumDen.longValue();
            this.a = bigA.longValue();
            this.b = bigB.longValue();
        }

        long exactStart(long k) {
            if (!constant) {
                return approximateStart(k);
            }
            long t;
            if (fitsInLong && k < (Long.MAX_VALUE >> 31)) {
                t = startNanos + floorMulDiv(k * cumDen - cumNum, a, b);
            } else {
                BigInteger n = BigInteger.valueOf(k).multiply(bigCumDen).subtract(bigCumNum);
                t = startNanos + n.multiply(bigA).divide(bigB).longValueExact();
            }
            return t < endNanos ? t : END;
        }

        long approximateStart(double cumulative) {
            double c = cumulative - cumulativeStart;
            double seconds = constant ? c / rate : 2 * c / (rate + Math.sqrt(Math.max(0, rate * rate + 4 * slope * c)));
            long t = startNanos + (long) Math.floor(seconds * 1e9);
            return t < endNanos ? t : END;
        }

        /** floor(n * a / b) for n >= 0, a > 0, b > 0 without overflow where the result fits. */
        private static long floorMulDiv(long n, long a, long b) {
            long q = n / b;
            long r = n % b;
            long hi = Math.multiplyHigh(r, a);
            long lo = r * a;
            if (hi == 0 && lo >= 0) {
                return q * a + lo / b;
            }
            return q * a + BigInteger.valueOf(r).multiply(BigInteger.valueOf(a))
                    .divide(BigInteger.valueOf(b)).longValueExact();
        }

        private static long nanos(BigDecimal seconds) {
            return seconds.multiply(BigDecimal.valueOf(1_000_000_000L)).setScale(0, RoundingMode.FLOOR)
                    .longValueExact();
        }
    }
}
