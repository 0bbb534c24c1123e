package io.inferencebench.aiperf;

import java.io.PrintStream;
import java.nio.file.Path;

import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.wave.WaveSection;

/**
 * The {@code aiperf} section of a wave ({@code --aiperf}): once {@code summary.json} is safe, the
 * baseline pause, then aiperf on the wave's payloads, its RESULTS block, and its figures in the outcome.
 * It runs where the wave's sections run, in the {@code benchmark} process: with remote engines, once, on
 * the controller, after every engine has ended.
 */
public record AiperfSection(AiperfSettings settings, PayloadSource payloads, BaselinePause pause,
                            ServerWindow serverWindow) implements WaveSection {

    @Override
    public Watch start(Path runDirectory) {
        try {
            pause.beforeWave();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the wave's own handling of the interrupt follows
        }
        return new Watch() {
            @Override
            public WaveOutcome settled(WaveOutcome outcome, PrintStream console) throws InterruptedException {
                AiperfReport report = runAfter(outcome, runDirectory, console);
                return outcome.withSection(AiperfReport.SECTION, report);
            }
        };
    }

    private AiperfReport runAfter(WaveOutcome outcome, Path runDirectory, PrintStream console) throws InterruptedException {
        console.println();
        pause.await(console);
        AiperfReport report = new Aiperf(settings, payloads).run(runDirectory.resolve(Aiperf.DIRECTORY), serverWindow,
                console);
        print(report, outcome.successThreshold(), console);
        return report;
    }

    /** The block, and the sentence of a failure, on the console (and so in {@code benchmark.log}). */
    public static void print(AiperfReport report, double threshold, PrintStream console) {
        console.println();
        AiperfResultsBlock.render(report, threshold).forEach(console::println);
        console.println();
    }
}
