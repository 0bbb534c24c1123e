package io.inferencebench.simulator;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How many tokens the simulated model writes: a fixed number ({@code 64}), which a request's
 * {@code max_tokens} replaces, as the simulator always did; or a distribution
 * ({@code uniform:32-96}, {@code normal:64,8}) drawn for every request, which a request's
 * {@code max_tokens} caps, as a real model stops on its own before or at the limit.
 */
public sealed interface OutputLength {

    /**
     * Tokens of one completion, at least 1.
     *
     * @param maxTokens the request's {@code max_tokens}, or null when it set none
     */
    int tokens(Integer maxTokens, RandomGenerator random);

    /** Whether {@link #tokens} draws from the random generator. */
    boolean isDrawn();

    /** As the user writes it, for the start-up line. */
    String text();

    static OutputLength fixed(int tokens) {
        if (tokens < 1) {
            throw new SimulatorOptionsException("Option --output-tokens has the bad value '" + tokens
                    + "': write a positive whole number of tokens, uniform:32-96 or normal:64,8 (mean, standard deviation).");
        }
        return new Fixed(tokens);
    }

    /**
     * @param option the option as the user wrote it, for the error message
     * @throws SimulatorOptionsException when the text is none of the three forms
     */
    static OutputLength parse(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("uniform:")) {
                String[] bounds = t.substring("uniform:".length()).split("-", -1);
                if (bounds.length == 2) {
                    int lo = Integer.parseInt(bounds[0].trim());
                    int hi = Integer.parseInt(bounds[1].trim());
                    if (lo >= 1 && hi >= lo) {
                        return new Uniform(lo, hi);
                    }
                }
            } else if (t.startsWith("normal:")) {
                String[] parts = t.substring("normal:".length()).split(",", -1);
                if (parts.length == 2) {
                    double mean = Double.parseDouble(parts[0].trim());
                    double sd = Double.parseDouble(parts[1].trim());
                    if (mean >= 1 && sd >= 0 && !Double.isInfinite(mean) && !Double.isInfinite(sd)) {
                        return new Normal(mean, sd);
                    }
                }
            } else {
                int n = Integer.parseInt(t);
                if (n >= 1) {
                    return new Fixed(n);
                }
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                + "': write a positive whole number of tokens, uniform:32-96 or normal:64,8 (mean, standard deviation).");
    }

    /** Exactly {@code max_tokens} when the request sets it, else this many. */
    record Fixed(int count) implements OutputLength {
        @Override
        public int tokens(Integer maxTokens, RandomGenerator random) {
            return maxTokens != null ? maxTokens : count;
        }

        @Override
        public boolean isDrawn() {
            return false;
        }

        @Override
        public String text() {
            return Integer.toString(count);
        }
    }

    /** Uniform over {@code low..high} inclusive, capped by {@code max_tokens}. */
    record Uniform(int low, int high) implements OutputLength {
        @Override
        public int tokens(Integer maxTokens, RandomGenerator random) {
            int n = low == high ? low : random.nextInt(low, high + 1);
            return maxTokens != null ? Math.min(n, maxTokens) : n;
        }

        @Override
        public boolean isDrawn() {
            return true;
        }

        @Override
        public String text() {
            return "uniform:" + low + "-" + high;
        }
    }

    /** Normal, rounded to a whole number, at least 1, capped by {@code max_tokens}. */
    record Normal(double mean, double standardDeviation) implements OutputLength {
        @Override
        public int tokens(Integer maxTokens, RandomGenerator random) {
            double x = Math.rint(mean + standardDeviation * random.nextGaussian());
            int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE, x));
            return maxTokens != null ? Math.min(n, maxTokens) : n;
        }

        @Override
        public boolean isDrawn() {
            return true;
        }

        @Override
        public String text() {
            return "normal:" + number(mean) + "," + number(standardDeviation);
        }

        private static String number(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
