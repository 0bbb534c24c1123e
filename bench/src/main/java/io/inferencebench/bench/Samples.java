package io.inferencebench.bench;

import java.util.Arrays;

/**
 * The samples of one run: start and end of each ({@link System#nanoTime()}, 0 = never ended), sorted by
 * start, and for our timer the latency from its own intended start (nanoseconds, -1 = unknown).
 */
public final class Samples {
    private final long[] starts;
    private final long[] ends;
    private final long[] latencyFromIntended;

    public Samples(long[] starts, long[] ends, long[] latencyFromIntended) {
        if (ends.length != starts.length || latencyFromIntended != null && latencyFromIntended.length != starts.length) {
            throw new IllegalArgumentException("starts, ends and latencies must pair up");
        }
        Integer[] order = new Integer[starts.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        this.starts = new long[starts.length];
        this.ends = new long[starts.length];
        this.latencyFromIntended = latencyFromIntended == null ? null : new long[starts.length];
        for (int i = 0; i < order.length; i++) {
            this.starts[i] = starts[order[i]];
            this.ends[i] = ends[order[i]];
            if (latencyFromIntended != null) {
                this.latencyFromIntended[i] = latencyFromIntended[order[i]];
            }
        }
    }

    /** Starts only (no ends recorded). */
    public static Samples ofStarts(long... starts) {
        return new Samples(starts, new long[starts.length], null);
    }

    public int size() {
        return starts.length;
    }

    /** Start of the k-th sample in start order. */
    public long start(int k) {
        return starts[k];
    }

    /** End of the k-th sample in start order, 0 when it never ended. */
    public long end(int k) {
        return ends[k];
    }

    public boolean hasIntended() {
        return latencyFromIntended != null;
    }

    /** Latency of the k-th sample from the timer's intended start, -1 when unknown. */
    public long latencyFromIntended(int k) {
        return latencyFromIntended == null ? -1 : latencyFromIntended[k];
    }
}
