package io.inferencebench.bench;

/**
 * A run through a server stall: which of its starts fell inside the stall window, whose bounds come
 * from the simulator's own clock (see {@link SimulatorProcess#startedNanos()}).
 *
 * @param stallFrom   start of the stall, this process's nanoTime
 * @param stallUntil  end of the stall
 * @param uncertainty how far off the stall bounds may be
 * @param uptimeEstimateOffset where the {@code /metrics} uptime would have placed the stall, relative to
 *                             where it is placed (nanoseconds; a check)
 */
record StallRun(PacingRun run, long stallFrom, long stallUntil, long uncertainty, long uptimeEstimateOffset) {

    long startedInStall() {
        return run.statistics().startsBetween(stallFrom, stallUntil);
    }

    /** Starts the schedule has in the stall window. */
    long due() {
        return Math.round(run.load().rate() * (stallUntil - stallFrom) / 1e9);
    }

    /**
     * Where the client saw the server stop answering (the longest pause between two responses), relative
     * to the stall window: {start offset ms, length ms}. A check on the window's bounds.
     */
    double[] seenByClient() {
        long[] gap = run.statistics().longestCompletionGap();
        return new double[] {(gap[0] - stallFrom) / 1e6, (gap[1] - gap[0]) / 1e6};
    }
}
