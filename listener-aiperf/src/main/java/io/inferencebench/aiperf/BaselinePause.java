package io.inferencebench.aiperf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The pause between the wave and aiperf, so aiperf meets the server at its baseline rather than still
 * draining the wave: a fixed wait ({@code --baseline-wait S}) or, as the original tool does, until the
 * user presses return ({@code --baseline-prompt}).
 */
public interface BaselinePause {

    void await(PrintStream console) throws InterruptedException;

    /** No pause (aiperf-only runs, or a wave that asked for none). */
    static BaselinePause none() {
        return console -> {
        };
    }

    /** Waits {@code wait}, with a progress line every 10 s. */
    static BaselinePause fixed(Duration wait) {
        return console -> {
            long left = wait.toMillis();
            if (left <= 0) {
                return;
            }
            console.println(String.format(Locale.ROOT, "Baseline pause: waiting %s s for the server to settle "
                    + "before aiperf (--baseline-wait).", seconds(left)));
            while (left > 0) {
                long step = Math.min(left, 10_000);
                Thread.sleep(step);
                left -= step;
                if (left > 0) {
                    console.println("Baseline pause: " + seconds(left) + " s left.");
                }
            }
        };
    }

    /** Waits until a line (return) arrives on {@code in}; the end of the input also ends the pause. */
    static BaselinePause prompt(InputStream in) {
        return console -> {
            console.println("Baseline pause: press return when the server is back at its baseline to start aiperf "
                    + "(--baseline-prompt).");
            console.flush();
            try {
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                console.println("Baseline pause: the input closed (" + e.getMessage() + "); starting aiperf.");
            }
        };
    }

    private static String seconds(long ms) {
        return java.math.BigDecimal.valueOf(ms / 1000.0).stripTrailingZeros().toPlainString();
    }
}
