package io.inferencebench.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Which fraction of requests meets which fault ({@code --fault reset=0.01,half=0.01,close=0.01,slow=0.01:30s}):
 * the faults a client has to survive and name. Pure: one uniform draw per request picks at most one.
 */
public final class FaultMix {

    /** A fault, named as in {@code --fault} and in the {@code kind} label of {@code ib_sim_faults_total}. */
    public enum Fault {
        /** The connection is reset (TCP RST) instead of answered. */
        RESET,
        /** The status line, headers and half the body, then the connection is closed. */
        HALF,
        /** The connection is closed without any answer. */
        CLOSE,
        /** The answer comes, late by the slow delay. */
        SLOW;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final FaultMix NONE = new FaultMix(0, 0, 0, 0, Duration.ZERO);
    private static final String FORM = "write kind=fraction pairs from reset, half, close and slow (slow with a delay), "
            + "e.g. reset=0.01,half=0.01,close=0.01,slow=0.01:30s, fractions adding up to at most 1.";

    private final double reset;
    private final double half;
    private final double close;
    private final double slow;
    private final Duration slowDelay;

    private FaultMix(double reset, double half, double close, double slow, Duration slowDelay) {
        this.reset = reset;
        this.half = half;
        this.close = close;
        this.slow = slow;
        this.slowDelay = slowDelay;
    }

    /** No faults. */
    public static FaultMix none() {
        return NONE;
    }

    /**
     * @param option the option as the user wrote it, for the error message
     * @throws SimulatorOptionsException naming the part and the form
     */
    public static FaultMix parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw bad(option, text);
        }
        double[] fractions = new double[4];
        Duration delay = null;
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw bad(option, text);
            }
            String kind = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            Fault fault;
            try {
                fault = Fault.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SimulatorOptionsException("Option " + option + " has the unknown fault '" + kind + "': " + FORM);
            }
            if (fault == Fault.SLOW) {
                int colon = value.indexOf(':');
                if (colon < 0) {
                    throw new SimulatorOptionsException("Option " + option + " has the bad value '" + part
                            + "': give the slow answers' extra delay after the fraction, e.g. slow=0.01:30s.");
                }
                delay = DurationText.parse(option + " slow", value.substring(colon + 1));
                value = value.substring(0, colon);
            }
            fractions[fault.ordinal()] = fraction(option, part, value);
        }
        double sum = fractions[0] + fractions[1] + fractions[2] + fractions[3];
        if (sum > 1 + 1e-9) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                    + "': its fractions add up to " + sum + ", more than every request; make them add up to at most 1.");
        }
        return new FaultMix(fractions[0], fractions[1], fractions[2], fractions[3], delay == null ? Duration.ZERO : delay);
    }

    private static double fraction(String option, String part, String value) {
        try {
            double f = Double.parseDouble(value);
            if (f >= 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new SimulatorOptionsException("Option " + option + " has the bad value '" + part
                + "': write a fraction from 0 to 1, e.g. reset=0.01 for 1% of requests.");
    }

    private static SimulatorOptionsException bad(String option, String text) {
        return new SimulatorOptionsException("Option " + option + " has the bad value '" + text + "': " + FORM);
    }

    /** Whether any request can meet a fault. */
    public boolean any() {
        return reset + half + close + slow > 0;
    }

    /** Whether some requests get a reset, half an answer or a close: faults that break their connection. */
    public boolean breaksConnections() {
        return reset + half + close > 0;
    }

    /** Fraction of requests whose connection is reset. */
    public double reset() {
        return reset;
    }

    public double half() {
        return half;
    }

    public double close() {
        return close;
    }

    public double slow() {
        return slow;
    }

    /** What a slow answer waits on top of its service time. */
    public Duration slowDelay() {
        return slowDelay;
    }

    /** The fault of one request, or null for none; draws once from {@code random} when there are faults. */
    public Fault pick(RandomGenerator random) {
        if (!any()) {
            return null;
        }
        double u = random.nextDouble();
        if ((u -= reset) < 0) {
            return Fault.RESET;
        }
        if ((u -= half) < 0) {
            return Fault.HALF;
        }
        if ((u -= close) < 0) {
            return Fault.CLOSE;
        }
        return u - slow < 0 ? Fault.SLOW : null;
    }

    /** As {@code --fault} takes it, the kinds with a fraction above 0: {@code reset=0.01,slow=0.01:30s}. */
    public String text() {
        List<String> parts = new ArrayList<>();
        double[] fractions = {reset, half, close, slow};
        for (Fault f : Fault.values()) {
            if (fractions[f.ordinal()] > 0) {
                parts.add(f.label() + "=" + fractions[f.ordinal()]
                        + (f == Fault.SLOW ? ":" + DurationText.format(slowDelay) : ""));
            }
        }
        return parts.isEmpty() ? "none" : String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultMix m && m.reset == reset && m.half == half && m.close == close && m.slow == slow
                && m.slowDelay.equals(slowDelay);
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
