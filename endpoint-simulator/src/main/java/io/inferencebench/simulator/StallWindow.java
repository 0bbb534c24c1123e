package io.inferencebench.simulator;

import java.time.Duration;

/**
 * A pause of the whole server ({@code --stall AT:FOR}): from AT after start, for FOR, nothing is
 * answered. Work behaves as if the server's clock stopped: a request arriving during the pause
 * starts when it ends, and a request in service when it begins finishes late by the pause length.
 */
public record StallWindow(Duration at, Duration length) {

    public static StallWindow parse(String option, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.indexOf(':');
        if (colon < 0 || t.indexOf(':', colon + 1) >= 0) {
            throw new SimulatorOptionsException("Option " + option + " has the bad value '" + text
                    + "': write AT:FOR, e.g. 5s:3s to stop answering for 3s starting 5s after start.");
        }
        return new StallWindow(DurationText.parse(option, t.substring(0, colon)),
                DurationText.parse(option, t.substring(colon + 1)));
    }

    /**
     * When work of {@code serviceNanos} that may begin at {@code beginNanos} is done, given the
     * server started at {@code startedNanos} (all {@link System#nanoTime()} values).
     */
    long finishNanos(long startedNanos, long beginNanos, long serviceNanos) {
        long from = startedNanos + at.toNanos();
        long until = from + length.toNanos();
        long begin = beginNanos;
        if (begin >= from && begin < until) {
            begin = until;
        }
        long end = begin + serviceNanos;
        if (begin < from && end > from) {
            end += until - from;
        }
        return end;
    }

    String text() {
        return DurationText.format(at) + ":" + DurationText.format(length);
    }
}
