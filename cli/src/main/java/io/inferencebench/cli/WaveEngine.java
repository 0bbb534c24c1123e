package io.inferencebench.cli;

import java.nio.file.Path;

import io.inferencebench.outcome.WaveSetup;

/**
 * Where a wave's requests leave from: this JVM ({@link EmbeddedEngine}) or JMeter remote engines
 * ({@link RemoteEngines}). The engine alone sets JMeter's properties for a run and clears them after
 * it, so one wave leaves nothing behind for the next.
 */
public interface WaveEngine {
    /** How the outcome records it. */
    WaveSetup.Engine describe();

    /** Checks what can be checked without side effects, against the spec's request count. */
    default void check(Long numRequests) {
    }

    /** Makes sure the engine can take the wave (remote engines answer) before anything is written. */
    default void reach() {
    }

    /** Points JMeter (home, {@code jmeter.log}) at the run directory; the plan is built after this. */
    void prepare(Path runDirectory);

    /**
     * Exercises this JVM's request path before the wave (JIT, class loading) against a private
     * endpoint, so the first measured second is not late; before the sections start watching.
     */
    default void warmUp(WavePlan plan, Console console) throws InterruptedException {
    }

    /**
     * Runs the plan to its end (the schedule, then at most the grace period) and returns what it saw. A
     * first signal stops new starts, a second cuts off what is in flight; progress is shown meanwhile.
     */
    WaveRun run(WavePlan plan, Console console, Interrupts interrupts, Progress progress) throws InterruptedException;
}
