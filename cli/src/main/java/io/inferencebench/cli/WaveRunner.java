package io.inferencebench.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferencebench.diagnostics.ClientBottleneck;
import io.inferencebench.outcome.LostEngines;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.wave.ResultsBlock;
import io.inferencebench.wave.SampleFields;
import io.inferencebench.wave.WaveSection;
import io.inferencebench.wave.WaveStatistics;

/**
 * Runs one wave from its spec, phase after phase, and returns its outcome. Every phase that can fail
 * on the user's input runs before the run directory exists; everything started is stopped, whatever
 * happens. Sections and engines plug in through their interfaces: this class does not change when
 * one is added.
 */
public final class WaveRunner {
    private final WaveSpec spec;
    private final Console console;

    private final Gates gates;
    private final boolean takeSignals;
    private int interruptExit = Benchmark.INTERRUPTED;
    /** The run directory could not take summary.json (deleted or made read-only during the wave). */
    private boolean saveFailed;

    /** Signals handled by a caller that runs many waves (a capacity search), or {@code null}. */
    private final Interrupts shared;

    /** A wave run in code: signals stay with the caller. */
    public WaveRunner(WaveSpec spec, Console console) {
        this(spec, console, false);
    }

    /**
     * One of many waves whose caller took the signals ({@link Interrupts#install()}) for all of them: a signal
     * during this wave stops it as Ctrl-C stops any wave, and stays counted for the caller to see.
     */
    public WaveRunner(WaveSpec spec, Console console, Interrupts interrupts) {
        this.spec = spec;
        this.console = console;
        this.gates = new Gates(spec.thresholds(), spec.allowClientBottleneck());
        this.takeSignals = false;
        this.shared = interrupts;
    }

    /**
     * @param takeSignals handle Ctrl-C and SIGTERM during the wave (the {@code benchmark} command does):
     *                    the first stops new starts, a second cuts off what is in flight
     */
    WaveRunner(WaveSpec spec, Console console, boolean takeSignals) {
        this.spec = spec;
        this.console = console;
        this.gates = new Gates(spec.thresholds(), spec.allowClientBottleneck());
        this.takeSignals = takeSignals;
        this.shared = null;
    }

    /** Runs the wave and returns the exit code CI gates on (see {@link Gates}); 130/143 when a signal stopped it. */
    public int run() throws Exception {
        WaveOutcome outcome = outcome();
        if (outcome.interrupted()) {
            return interruptExit;
        }
        return saveFailed ? Benchmark.NOT_SAVED : gates.exitCode(outcome);
    }

    /** Runs the wave; its run directory holds everything the outcome says. */
    public WaveOutcome outcome() throws Exception {
        spec.engine().reach();
        try (EndpointSimulator simulator = startSimulator();
             WaveTarget.Open target = spec.target().open(endpointUrl(simulator), console)) {
            Path runDir = RunDirectory.create(spec.resultsDir(), LocalDateTime.now(), spec.runKind());
            console.logTo(runDir.resolve("benchmark.log"));
            if (shared != null) {
                return run(runDir, target, endpointUrl(simulator), shared);
            }
            // from here on a signal ends in results: before the wave an empty outcome, during it what it measured
            try (Interrupts interrupts = takeSignals ? Interrupts.install() : Interrupts.none()) {
                return run(runDir, target, endpointUrl(simulator), interrupts);
            }
        } finally {
            console.close();
        }
    }

    private WaveOutcome run(Path runDir, WaveTarget.Open target, String endpointUrl, Interrupts interrupts)
            throws Exception {
        spec.engine().prepare(runDir);
        WavePlan plan = plan(runDir, target, endpointUrl);
        plan.plan().save(runDir.resolve("plan.jmx"));
        console.println("Wave: " + target.describe() + ", " + rateText() + ", " + spec.arrivals() + " arrivals -> "
                + runDir);
        if (target.replay() != null) {
            console.println("Replay: " + target.replay());
        }
        spec.engine().warmUp(plan, console);
        List<WaveSection.Watch> watches = new ArrayList<>();
        try {
            for (WaveSection section : spec.sections()) {
                watches.add(section.start(runDir));
            }
            WaveRun run = interrupts.interrupted() ? new WaveRun(new WaveStatistics(), null)
                    : spec.engine().run(plan, console, interrupts, progress());
            WaveOutcome outcome = target.contribute(run.statistics().outcome(run.pacing(),
                    spec.setup(target.target())).withRun(runDir.getFileName().toString()));
            if (run.lost() != null) {
                outcome = outcome.withSection(LostEngines.SECTION, run.lost());
            }
            if (interrupts.interrupted()) {
                outcome = outcome.withInterruption(interrupts.firstEpochMs());
                interruptExit = interrupts.exitCode();
            }
            for (WaveSection.Watch w : watches) {
                outcome = w.measured(outcome);
            }
            outcome = gates.check(outcome.withVerdict(blameLostEngines(ClientBottleneck.judge(ClientBottleneck.evidence(outcome))
                    .naming(WaveOptions::flag).toVerdict(), outcome)));
            // the RESULTS block first: a run directory that failed during the wave must not cost the user the figures
            print(outcome, watches);
            save(outcome, runDir);
            for (WaveSection.Watch w : watches) {
                if (outcome.interrupted()) {
                    // the user asked to stop: no waiting for CloudWatch after it
                    break;
                }
                // summary.json is already saved: a long CloudWatch wait (or Ctrl-C) cannot cost the wave
                if (saveFailed) {
                    break;
                }
                outcome = w.settled(outcome, console.asPrintStream());
                save(outcome, runDir);
            }
            if (outcome.interrupted()) {
                console.println("Interrupted (" + (interruptExit == Benchmark.TERMINATED ? "SIGTERM" : "Ctrl-C")
                        + "): the results above cover the wave up to then; exit " + interruptExit + ".");
            }
            if (!saveFailed) {
                console.println("Detailed results: " + runDir);
            }
            return outcome;
        } finally {
            watches.forEach(WaveSection.Watch::close);
        }
    }

    /**
     * A lost remote engine explains the missing share of the rate: the verdict names it first, and the
     * under-firing it caused does not send the user to the thread cap.
     */
    private static WaveOutcome.Verdict blameLostEngines(WaveOutcome.Verdict verdict, WaveOutcome outcome) {
        LostEngines lost = outcome.section(LostEngines.SECTION);
        if (lost == null) {
            return verdict;
        }
        List<WaveOutcome.Verdict.Cause> causes = new ArrayList<>();
        causes.add(lost.cause(outcome.waveStartEpochMs()));
        verdict.causes().stream().filter(c -> !c.cause().equals("under-firing")).forEach(causes::add);
        return new WaveOutcome.Verdict(true, causes);
    }

    /** Writes summary.json into the run directory, never recreating it; a failure is said once, with the directory. */
    private void save(WaveOutcome outcome, Path runDir) {
        if (saveFailed) {
            return;
        }
        String why = null;
        if (!java.nio.file.Files.isDirectory(runDir)) {
            why = "it was deleted during the wave";
        } else {
            try {
                outcome.write(runDir);
            } catch (IOException e) {
                why = (e instanceof java.nio.file.AccessDeniedException ? "it is not writable"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        if (why != null) {
            saveFailed = true;
            console.println("Could not save the results into the run directory " + runDir + " (" + why
                    + "): the RESULTS above are all there is of this wave; give --results-dir a directory that stays "
                    + "writable. Exit " + Benchmark.NOT_SAVED + ".");
        }
    }

    private Progress progress() {
        Double planned = spec.obsTimeS() != null || spec.profile().seconds() != null ? spec.scheduleSeconds() : null;
        return Progress.of(console, spec.quiet(), spec.progressIntervalS(), planned, spec.profile().meanRate());
    }

    private EndpointSimulator startSimulator() throws IOException {
        if (spec.simulator() == null) {
            return null;
        }
        EndpointSimulator simulator = EndpointSimulator.start(spec.simulator());
        console.println("Endpoint simulator: " + simulator.baseUrl() + " (" + simulator.options().describe() + ")");
        return simulator;
    }

    /** What the wave exports as IB_ENDPOINT_URL: the simulator's base URL when it runs, else the URL given. */
    private String endpointUrl(EndpointSimulator simulator) {
        return simulator != null ? simulator.baseUrl() : spec.target().endpointUrl();
    }

    private WavePlan plan(Path runDir, WaveTarget.Open target, String endpointUrl) {
        PlanBuilder plan = new PlanBuilder("InferenceBench wave", spec.initialThreads(), spec.timer(),
                Path.of("${__P(ib.run.dir,.)}", "results.jtl"), Path.of("${__P(ib.run.dir,.)}"), spec.successThreshold());
        target.addTo(plan);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("sample_variables", String.join(",", SampleFields.ALL));
        properties.put("ib.run.dir", runDir.toString());
        properties.putAll(target.properties());
        if (spec.warmUpS() > 0) {
            // read by the timer on whichever engine paces (a -G property for remote engines)
            properties.put(io.inferencebench.pacing.ConstantRpsTimer.WARM_UP_PROPERTY,
                    BigDecimal.valueOf(spec.warmUpS()).toPlainString());
        }
        for (String[] secret : plan.secretProperties()) {
            properties.put(secret[0], secret[1]);
        }
        return new WavePlan(plan, properties, spec.scheduleSeconds(), spec.graceS(), spec.profile().peakRate(),
                spec.warmup(), target::warmUpSampler);
    }

    private void print(WaveOutcome outcome, List<WaveSection.Watch> watches) {
        console.println();
        for (String line : ResultsBlock.render(outcome).split("\n")) {
            console.println(line);
        }
        for (WaveSection.Watch w : watches) {
            w.resultLines(outcome).forEach(console::println);
        }
        gates.lines(outcome).forEach(console::println);
        console.println();
        if (outcome.clientBottleneck().detected()) {
            for (String line : ClientBottleneck.render(outcome.clientBottleneck()).split("\n")) {
                console.println(line);
            }
            console.println();
        }
    }

    private String rateText() {
        return spec.loadProfileText() != null ? "profile " + spec.profile()
                : BigDecimal.valueOf(spec.clientRps()).stripTrailingZeros().toPlainString() + " req/s";
    }
}
