package io.inferencebench.metrics;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a deadline while showing the seconds left: rewritten in place on a terminal; in a log,
 * a line at the start and every ten seconds.
 */
final class Countdown {

    private final Clock clock;
    private final PrintStream console;
    private final boolean interactive;

    Countdown(Clock clock, PrintStream console, boolean interactive) {
        this.clock = clock;
        this.console = console;
        this.interactive = interactive;
    }

    Clock clock() {
        return clock;
    }

    /** Seconds from now until the deadline, rounded up; 0 when it has passed. */
    long secondsUntil(Instant deadline) {
        long millis = Duration.between(clock.instant(), deadline).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    void waitUntil(Instant deadline) throws InterruptedException {
        long lastShown = -1;
        boolean showed = false;
        while (true) {
            long nanos = Duration.between(clock.instant(), deadline).toNanos();
            if (nanos <= 0) {
                break;
            }
            long millis = (nanos + 999_999) / 1_000_000; // rounded up: never wake before the deadline
            long seconds = (millis + 999) / 1000;
            if (seconds != lastShown && (interactive || !showed || seconds % 10 == 0)) {
                if (interactive) {
                    console.print("\r   ⏳ " + seconds + "s left ");
                } else {
                    console.println("   ⏳ " + seconds + "s left");
                }
                console.flush();
                lastShown = seconds;
                showed = true;
            }
            // Sleep to the next whole second of the countdown, so the display ticks on time.
            long toNextTick = millis - (seconds - 1) * 1000;
            Thread.sleep(Math.max(1, Math.min(toNextTick, millis)));
        }
        if (interactive && showed) {
            console.print("\r" + " ".repeat(20) + "\r");
            console.flush();
        }
    }
}
