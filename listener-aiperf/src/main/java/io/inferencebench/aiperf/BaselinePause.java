package io.inferencebench.aiperf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pause between the wave and aiperf, so aiperf meets the server at its baseline rather than still
 * draining the wave: a fixed wait ({@code --baseline-wait S}) or, as the original tool does, until the
 * user presses return ({@code --baseline-prompt}), or, with server metrics, until they are back within a
 * tolerance of their level before the wave, bounded.
 */
public interface BaselinePause {

    void await(PrintStream console) throws InterruptedException;

    /** Called right before the wave's first request (the automatic pause reads the baseline then). */
    default void beforeWave() throws InterruptedException {
    }

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

    /**
     * Waits until the server metrics are back within {@code tolerance} of their level before the wave,
     * sampling them every {@code sample}, for at most {@code bound}; a progress line at each sample.
     */
    static BaselinePause settle(ServerLevels levels, double tolerance, Duration sample, Duration bound) {
        return new BaselinePause() {
            private Settling settling;

            @Override
            public void beforeWave() throws InterruptedException {
                Map<String, Double> base = levels.sample(Duration.ofMillis(200));
                settling = base.isEmpty() ? null : new Settling(base, tolerance);
            }

            @Override
            public void await(PrintStream console) throws InterruptedException {
                if (settling == null) {
                    console.println("Baseline pause: the server metrics gave no level before the wave to wait for; "
                            + "starting aiperf (--baseline-wait S waits a fixed time).");
                    return;
                }
                long start = System.nanoTime();
                console.println(String.format(Locale.ROOT, "Baseline pause: waiting up to %d s for the server "
                        + "metrics to come back within %.0f%% of their level before the wave...", bound.toSeconds(),
                        tolerance * 100));
                while (true) {
                    List<String> away = settling.away(levels.sample(sample));
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    if (away.isEmpty()) {
                        console.println("Baseline pause: back at the baseline after " + seconds(waited) + " s.");
                        return;
                    }
                    if (waited >= bound.toMillis()) {
                        console.println("Baseline pause: not back after " + seconds(waited) + " s (" + String.join(", ", away)
                                + "); starting aiperf anyway.");
                        return;
                    }
                    console.println("Baseline pause: " + seconds(waited) + " s, not back yet: " + String.join(", ", away));
                }
            }
        };
    }
}
