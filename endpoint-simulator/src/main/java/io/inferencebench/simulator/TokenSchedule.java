package io.inferencebench.simulator;

/**
 * When each chunk of one completion is due, measured from its first token: an LLM server's decode
 * loop, without a clock. The tokens are {@code ceil(tokens / perChunk)} chunks spread evenly over
 * {@code (tokens - 1)} inter-token latencies, so the stream lasts as long as with one token per
 * chunk. The inter-token latency is {@code itl + itlPerSeq x (sequences in flight - 1)}, read
 * when each chunk is scheduled: a batch shares the accelerator, so every other sequence in it
 * slows each step down. With {@code itlPerSeq} 0 the offsets are exactly
 * {@code (tokens - 1) x itl x c / (chunks - 1)}.
 */
final class TokenSchedule {

    private final int tokens;
    private final int chunks;
    private final long itlNanos;
    private final long itlPerSeqNanos;
    private int scheduled;
    private long offsetNanos;

    TokenSchedule(int tokens, int tokensPerChunk, long itlNanos, long itlPerSeqNanos) {
        this.tokens = tokens;
        this.chunks = (tokens + tokensPerChunk - 1) / tokensPerChunk;
        this.itlNanos = itlNanos;
        this.itlPerSeqNanos = itlPerSeqNanos;
    }

    /** The inter-token latency of a step taken with {@code inFlight} sequences in the batch. */
    static long itlNanos(long itlNanos, long itlPerSeqNanos, int inFlight) {
        return itlNanos + itlPerSeqNanos * Math.max(0, inFlight - 1);
    }

    /** Time from the first token to the last of a whole (non-streamed) answer, at one batch size throughout. */
    static long generationNanos(int tokens, long itlNanos, long itlPerSeqNanos, int inFlight) {
        return Math.max(0, tokens - 1) * itlNanos(itlNanos, itlPerSeqNanos, inFlight);
    }

    int chunks() {
        return chunks;
    }

    /** Whether the sequences in flight change the timing, so the caller has to count them. */
    boolean dependsOnBatch() {
        return itlPerSeqNanos != 0;
    }

    /**
     * The offset from the first chunk of the next chunk (chunk 1, then 2, ...), scheduled now with
     * {@code inFlight} sequences in the batch.
     *
     * @throws IllegalStateException past the last chunk
     */
    long next(int inFlight) {
        if (scheduled + 1 >= chunks) {
            throw new IllegalStateException("all " + chunks + " chunks are scheduled");
        }
        scheduled++;
        long itl = itlNanos(itlNanos, itlPerSeqNanos, inFlight);
        // whole-nanosecond steps that add up to exactly itl x (tokens - 1) x c / (chunks - 1)
        long span = (long) (tokens - 1) * itl;
        offsetNanos += span * scheduled / (chunks - 1) - span * (scheduled - 1) / (chunks - 1);
        return offsetNanos;
    }
}
