package io.inferencebench.simulator;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations as users write them on the command line: {@code 50ms}, {@code 1.5s}, {@code 0}. */
public final class DurationText {
    private DurationText() {
    }

    /**
     * @param option the option as the user wrote it, for the error message (e.g. {@code --latency})
     * @throws SimulatorOptionsException when the text is not a non-negative duration
     */
    public static Duration parse(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            BigDecimal nanosPerUnit;
            String number;
            if (t.endsWith("ms")) {
                nanosPerUnit = BigDecimal.valueOf(1_000_000L);
                number = t.substring(0, t.length() - 2);
            } else if (t.endsWith("s")) {
                nanosPerUnit = BigDecimal.valueOf(1_000_000_000L);
                number = t.substring(0, t.length() - 1);
            } else if (!t.isEmpty() && new BigDecimal(t).signum() == 0) {
                return Duration.ZERO;
            } else {
                throw new NumberFormatException(t);
            }
            BigDecimal value = new BigDecimal(number.trim());
            if (value.signum() < 0) {
                throw new NumberFormatException(t);
            }
            return Duration.ofNanos(value.multiply(nanosPerUnit).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                    + "': write a non-negative duration such as 50ms, 1.5s or 0.");
        }
    }

    /** Short form for messages and the start-up line: {@code 50ms}, {@code 1.5s}, {@code 0}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos % 1_000_000_000L == 0 || nanos >= 10_000_000_000L) {
            return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + "s";
        }
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
    }
}
