package io.inferencebench.cli;

import io.inferencebench.wave.ProgressLine;
import io.inferencebench.wave.WaveStatistics;

/**
 * Live progress of a wave: on a terminal one line redrawn every second; elsewhere (CI logs,
 * {@code | tee}) a plain line every {@code --progress-interval} seconds, kept in {@code benchmark.log};
 * nothing with {@code --quiet}. It reads the counters the wave keeps, once per line.
 */
final class Progress {
    private final Console console;
    private final boolean terminal;
    private final long intervalNanos;
    private final Double plannedS;
    private final Double targetRps;
    private final long startNanos;
    private long nextNanos;
    private boolean redrawn;

    private Progress(Console console, boolean terminal, double intervalS, Double plannedS, Double targetRps) {
        this.console = console;
        this.terminal = terminal;
        this.intervalNanos = (long) (intervalS * 1e9);
        this.plannedS = plannedS;
        this.targetRps = targetRps;
        this.startNanos = System.nanoTime();
        this.nextNanos = startNanos + intervalNanos;
    }

    /** Progress for a wave of {@code plannedS} seconds ({@code null}: bounded by a count) at {@code targetRps}. */
    static Progress of(Console console, boolean quiet, double intervalS, Double plannedS, Double targetRps) {
        if (quiet) {
            return silent();
        }
        boolean terminal = Terminal.attached();
        return new Progress(console, terminal, terminal ? 1 : intervalS, plannedS, targetRps);
    }

    static Progress silent() {
        return new Progress(null, false, 1, null, null); // no console: update() shows nothing
    }

    /** Shows the figures when a line is due. */
    void update(WaveStatistics statistics, long started, boolean stopping) {
        long now = System.nanoTime();
        if (console == null || now < nextNanos) {
            return;
        }
        nextNanos = now + intervalNanos;
        String line = ProgressLine.of(statistics, started, (now - startNanos) / 1e9, plannedS, targetRps, stopping).render();
        if (terminal) {
            console.redraw(line);
            redrawn = true;
        } else {
            console.println(line);
        }
    }

    /** Leaves the terminal on a fresh line for what follows. */
    void end() {
        if (redrawn) {
            console.endRedraw();
            redrawn = false;
        }
    }

    /** Whether the user watches a terminal (then lines are redrawn in place, not logged). */
    static final class Terminal {
        private Terminal() {
        }

        static boolean attached() {
            java.io.Console c = System.console();
            if (c == null) {
                return false;
            }
            try {
                // Java 22+ may hand out a console for redirected output; it then says whether it is a terminal
                return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
            } catch (ReflectiveOperationException e) {
                return true; // Java 17-21: a console exists only on a terminal
            }
        }
    }
}
