package io.inferencebench.pacing;

import java.util.Locale;

/**
 * What to do with a start that comes due while every thread is busy: fire it as soon as a thread is
 * free (counted as late), or drop it when it is more than a limit late (counted as dropped).
 */
public record LatePolicy(boolean drop, long limitNanos) {
    public static final LatePolicy FIRE = new LatePolicy(false, Long.MAX_VALUE);

    /** {@code fire} or {@code drop:MS} (e.g. {@code drop:250}). */
    public static LatePolicy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("fire")) {
            return FIRE;
        }
        if (t.startsWith("drop:")) {
            try {
                double ms = Double.parseDouble(t.substring(5).replace("ms", "").trim());
                if (ms >= 0 && Double.isFinite(ms)) {
                    return new LatePolicy(true, (long) (ms * 1_000_000L));
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new LoadProfileException("Unknown late policy '" + text
                + "': use 'fire' (start late requests as soon as a thread is free) or 'drop:MS' "
                + "(skip a start more than MS milliseconds late), e.g. drop:250.");
    }

    @Override
    public String toString() {
        return drop ? "drop:" + (limitNanos / 1_000_000.0) : "fire";
    }
}
