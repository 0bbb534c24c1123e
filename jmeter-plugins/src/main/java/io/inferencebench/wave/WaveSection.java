package io.inferencebench.wave;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.inferencebench.outcome.WaveOutcome;

/**
 * A part of a wave beyond its requests (client hardware, server metrics, and later tokens, aiperf,
 * capacity): it watches the wave and adds its own typed section to the outcome. The orchestrator runs
 * every section of a spec the same way, so a new one never edits it.
 *
 * <p>Order of calls: {@link #start} right before the first request; then, on what it returned,
 * {@link Watch#measured} right after the last response (quick work only: {@code summary.json} and the
 * RESULTS block wait for it), {@link Watch#resultLines} under the RESULTS block, and
 * {@link Watch#settled} once {@code summary.json} is safely written (slow work: a CloudWatch lag,
 * a server's way back to its baseline); {@link Watch#close} always, last.
 */
public interface WaveSection {

    /** Begins watching; {@code runDirectory} exists and is where the section's own files go. */
    Watch start(Path runDirectory) throws IOException;

    /** One section during one wave. */
    interface Watch extends AutoCloseable {
        /** The outcome with this section's part added, right after the wave. */
        default WaveOutcome measured(WaveOutcome outcome) throws IOException {
            return outcome;
        }

        /** Lines printed under the RESULTS block (and kept in {@code benchmark.log}). */
        default List<String> resultLines(WaveOutcome outcome) {
            return List.of();
        }

        /** The outcome with this section's slow part added; progress goes to {@code console}. */
        default WaveOutcome settled(WaveOutcome outcome, PrintStream console) throws IOException, InterruptedException {
            return outcome;
        }

        @Override
        default void close() {
        }
    }
}
