package io.inferencebench.wave;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Requests started in each second of a wave, the seconds counted from the wave's origin (its first intended
 * start, as near as the first sample tells): one array increment per sample, in chunks allocated as the wave
 * reaches them, so a 30-day wave costs what it uses and a short one a few kilobytes.
 */
final class StartsPerSecond {
    private static final int CHUNK = 1024;
    /** Misalignment of the seconds to the origin that still counts as aligned. */
    private static final long SLACK_MS = 50;
    /** 31 days of seconds, in chunks: a wave lasts at most 30 days, plus its grace. */
    private static final int CHUNKS = (31 * 24 * 3600) / CHUNK + 1;

    /** How far before the origin the seconds are counted from: samples reach the listener out of start order. */
    private static final long LEAD_MS = 60_000L;
    /** A minute before the origin, in epoch ms. */
    private final AtomicLong baseMs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReferenceArray<AtomicIntegerArray> chunks = new AtomicReferenceArray<>(CHUNKS);

    /** Whether the seconds are aligned yet (the first start fixes them). */
    boolean aligned() {
        return baseMs.get() != Long.MIN_VALUE;
    }

    /** The origin the seconds are aligned to (the first call's hint), for a second count aligned the same. */
    long baseOriginMs() {
        return baseMs.get() + LEAD_MS;
    }

    /**
     * Counts a start at {@code epochMs}.
     *
     * @param originHintMs the wave's origin as far as known now (the pacer's, or the first sample's intended start);
     *                     the first call fixes the seconds' alignment from it
     */
    void record(long epochMs, long originHintMs) {
        long base = baseMs.get();
        if (base == Long.MIN_VALUE) {
            baseMs.compareAndSet(Long.MIN_VALUE, originHintMs - LEAD_MS);
            base = baseMs.get();
        }
        long index = Math.floorDiv(epochMs - base, 1000L);
        if (index < 0 || index >= (long) CHUNKS * CHUNK) {
            return;
        }
        int c = (int) (index / CHUNK);
        AtomicIntegerArray chunk = chunks.get(c);
        if (chunk == null) {
            chunks.compareAndSet(c, null, new AtomicIntegerArray(CHUNK));
            chunk = chunks.get(c);
        }
        chunk.incrementAndGet((int) (index % CHUNK));
    }

    /** Counts of the whole seconds inside {@code [fromMs, untilMs)}, in order (empty when none is whole). */
    long[] wholeSecondsBetween(long fromMs, long untilMs) {
        long base = baseMs.get();
        if (base == Long.MIN_VALUE) {
            return new long[0];
        }
        // a few ms of misalignment (origin against the first hint) must not lose a whole second
        long first = Math.floorDiv(fromMs - base + 999 - SLACK_MS, 1000L);
        long end = Math.floorDiv(untilMs - base + SLACK_MS, 1000L);
        if (end <= first) {
            return new long[0];
        }
        long[] counts = new long[(int) Math.min(end - first, (long) CHUNKS * CHUNK)];
        for (int i = 0; i < counts.length; i++) {
            long index = first + i;
            if (index < 0 || index >= (long) CHUNKS * CHUNK) {
                continue;
            }
            AtomicIntegerArray chunk = chunks.get((int) (index / CHUNK));
            counts[i] = chunk == null ? 0 : chunk.get((int) (index % CHUNK));
        }
        return counts;
    }
}
