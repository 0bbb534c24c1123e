package io.inferencebench.wave;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.inferencebench.outcome.WaveOutcome;

/**
 * The outcome of the last wave a Wave Summary finished in this JVM, for the GUI to show: in JMeter's GUI
 * the summary runs on the controller, and its panel reads the result from here after the run.
 */
public final class LastWave {
    /** One finished wave: which Wave Summary, when, whether on remote engines, and its figures. */
    public record Result(String summaryName, Instant endedAt, boolean onRemoteEngines, WaveOutcome outcome) {
    }

    private static final AtomicReference<Result> LAST = new AtomicReference<>();

    private LastWave() {
    }

    static void publish(Result result) {
        LAST.set(result);
    }

    /** The last wave, or null before the first has ended. */
    public static Result get() {
        return LAST.get();
    }
}
