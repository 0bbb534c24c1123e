package io.inferencebench.simulator;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long the simulated model takes per request: a fixed time ({@code 50ms}), uniform between
 * two bounds ({@code uniform:20ms-80ms}) or log-normal with a median and the sigma of the
 * underlying normal ({@code lognormal:50ms,0.5}), the usual shape of real service times.
 */
public sealed interface LatencyDistribution {

    /** One service time in nanoseconds. */
    long sampleNanos(RandomGenerator random);

    /** Whether every sample is zero, so a request can be answered on the spot. */
    default boolean isZero() {
        return false;
    }

    /** As the user writes it, for the start-up line. */
    String text();

    static LatencyDistribution fixed(Duration d) {
        return new Fixed(d.toNanos());
    }

    /**
     * @param option the option as the user wrote it, for the error message
     * @throws SimulatorOptionsException when the text is none of the three forms
     */
    static LatencyDistribution parse(String option, String text) {
        String t = text == null ? "" : text.trim();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("uniform:")) {
            String[] bounds = t.substring("uniform:".length()).split("-", -1);
            if (bounds.length != 2) {
                throw bad(option, text);
            }
            long lo = DurationText.parse(option, bounds[0]).toNanos();
            long hi = DurationText.parse(option, bounds[1]).toNanos();
            if (hi < lo) {
                throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                        + "': the upper bound must not be below the lower one, e.g. uniform:20ms-80ms.");
            }
            return new Uniform(lo, hi, t);
        }
        if (lower.startsWith("lognormal:")) {
            String[] parts = t.substring("lognormal:".length()).split(",", -1);
            if (parts.length != 2) {
                throw bad(option, text);
            }
            long median = DurationText.parse(option, parts[0]).toNanos();
            double sigma;
            try {
                sigma = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw bad(option, text);
            }
            if (!(sigma >= 0) || Double.isInfinite(sigma) || median <= 0) {
                throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                        + "': the median must be positive and sigma a non-negative number, e.g. lognormal:50ms,0.5.");
            }
            return new LogNormal(median, sigma, t);
        }
        try {
            return fixed(DurationText.parse(option, t));
        } catch (SimulatorOptionsException e) {
            throw bad(option, text);
        }
    }

    private static SimulatorOptionsException bad(String option, String text) {
        return new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                + "': write a duration (50ms), uniform:20ms-80ms or lognormal:50ms,0.5 (median, sigma).");
    }

    record Fixed(long nanos) implements LatencyDistribution {
        @Override
        public long sampleNanos(RandomGenerator random) {
            return nanos;
        }

        @Override
        public boolean isZero() {
            return nanos == 0;
        }

        @Override
        public String text() {
            return DurationText.format(Duration.ofNanos(nanos));
        }
    }

    record Uniform(long lowNanos, long highNanos, String text) implements LatencyDistribution {
        @Override
        public long sampleNanos(RandomGenerator random) {
            return lowNanos == highNanos ? lowNanos : random.nextLong(lowNanos, highNanos + 1);
        }

        @Override
        public boolean isZero() {
            return highNanos == 0;
        }
    }

    record LogNormal(long medianNanos, double sigma, String text) implements LatencyDistribution {
        @Override
        public long sampleNanos(RandomGenerator random) {
            return Math.round(medianNanos * Math.exp(sigma * random.nextGaussian()));
        }
    }
}
